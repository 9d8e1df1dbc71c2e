package client_test

import (
	"encoding/json"
	"testing"

	"github.com/aim-oscar/aim/internal/client"
)

// TestJSONEscapesC1: JSON escapes the characters that would drive a
// terminal (C1 controls, DEL) or turn text around (bidirectional
// overrides), and they read back as they were.
func TestJSONEscapesC1(t *testing.T) {
	t.Parallel()
	const text = "a\u009b[2Jb\u007fc é \u202eexe\u202c\u061c\u200e\u2066\u2069"
	b, err := client.JSON(struct {
		Text string `json:"text"`
	}{text})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(b); got != `{"text":"a\u009b[2Jb\u007fc é \u202eexe\u202c\u061c\u200e\u2066\u2069"}`+"\n" {
		t.Errorf("JSON = %q", got)
	}
	var back map[string]string
	if err := json.Unmarshal(b, &back); err != nil || back["text"] != text {
		t.Errorf("round trip = %q, %v", back["text"], err)
	}
}
