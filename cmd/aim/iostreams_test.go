package main

import "bytes"

// testIO returns streams backed by buffers, with stdin not a terminal:
// in is read as standard input, out and errOut collect the output.
func testIO() (s *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	s = &IOStreams{In: in, Out: out, ErrOut: errOut}
	s.SetStdinTTY(false)
	return s, in, out, errOut
}
