package oscar

import "crypto/md5"

var roastKey = [16]byte{0xF3, 0x26, 0x81, 0xC4, 0x39, 0x86, 0xDB, 0x92, 0x71, 0xA3, 0xB9, 0xE6, 0x53, 0x7A, 0x95, 0x7C}

// AppendRoasted appends the "roasted" password of the FLAP login: each byte
// XORed with a fixed 16-byte key. It hides nothing from anyone who reads the
// wire, and un-roasting is the same operation.
func AppendRoasted(b, password []byte) []byte {
	for i, c := range password {
		b = append(b, c^roastKey[i%len(roastKey)])
	}
	return b
}

// MD5Brand is the string both MD5 login hashes end with.
const MD5Brand = "AOL Instant Messenger (SM)"

// MD5LoginHash computes TLV 0x0025 of 17,02. With passwordIsHashed (the
// newer form, sent with an empty TLV 0x004C) it is MD5(key + MD5(password)
// + brand); otherwise MD5(key + password + brand).
func MD5LoginHash(key, password []byte, passwordIsHashed bool) [16]byte {
	h := md5.New()
	h.Write(key)
	if passwordIsHashed {
		p := md5.Sum(password)
		h.Write(p[:])
	} else {
		h.Write(password)
	}
	h.Write([]byte(MD5Brand))
	var out [16]byte
	h.Sum(out[:0])
	return out
}
