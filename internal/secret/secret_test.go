package secret

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestNeverPrinted(t *testing.T) {
	type holder struct {
		Password String
		Cookie   Bytes
	}
	h := holder{Password: "hunter2", Cookie: Bytes("cookie-bytes")}
	j, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	outs := []string{string(j)}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
		outs = append(outs, fmt.Sprintf(verb, h), fmt.Sprintf(verb, h.Password), fmt.Sprintf(verb, h.Cookie))
	}
	for _, out := range outs {
		for _, s := range []string{"hunter2", "cookie", "68756e74657232", "636f6f6b6965"} {
			if strings.Contains(out, s) {
				t.Errorf("%q shows the secret", out)
			}
		}
	}
	if h.Password.Reveal() != "hunter2" || string(h.Cookie.Reveal()) != "cookie-bytes" {
		t.Error("Reveal does not give the secret back")
	}
}
