// Package oscar is the OSCAR wire codec: the bytes AIM clients and servers
// exchange, and nothing else. It never touches the network, never prints and
// never reads configuration.
//
// Three layers nest inside each other:
//
//   - FLAP is the framing on every TCP connection: a 6-byte header (start
//     marker 0x2A, channel, sequence number, payload length) and a payload of
//     up to 65535 bytes. Channel 1 opens a connection, 2 carries SNACs, 4
//     closes one and 5 is a keepalive. FrameReader and FrameWriter move whole
//     frames; payloads read alias the reader's buffer until the next read.
//   - A SNAC rides in a channel-2 payload: family, subtype, flags and request
//     id, then a body. Messages are named "ff,ss" after family and subtype
//     (04,06 is "send an IM"), and each typed message here names its own in
//     its doc comment, so grep finds it.
//   - TLVs (type, length, value) carry most fields inside bodies, in lists
//     that are counted, length-prefixed, or fill the rest of the body.
//
// Every decoder is a pure function of a byte slice. It checks each length
// against the bytes it has before it reads or allocates, and reports bad
// input as a *DecodeError naming the message and the field. Encoders append
// to a caller's buffer and cannot fail: values that cannot be encoded are
// refused when they are made (screenname.Parse, NewText).
package oscar
