package control_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/aim-oscar/aim/internal/control"
)

// A session serves its socket; a command finds it with the same screen
// name and sends one request.
func Example() {
	runtimeDir, err := os.MkdirTemp("", "example") // $XDG_RUNTIME_DIR, handed in by cmd/aim
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(runtimeDir)
	places, err := control.Dirs{Runtime: runtimeDir, Temp: os.TempDir()}.Places("Lab Alice")
	if err != nil {
		panic(err)
	}
	path := places[0] // where a session goes first; control.Find finds it

	// In `aim login`: the handler looks the command up in the runtime's
	// table, queues the IM, and returns a Later for its acknowledgement.
	srv, err := control.Listen(path, func(ctx context.Context, req control.Request, st *control.Stream) (any, error) {
		if req.Command != "send" || len(req.Args) != 2 {
			return nil, fmt.Errorf("%w %q", control.ErrUnknownCommand, req.Command)
		}
		to := req.Args[0]
		return control.Later(func() (any, error) {
			// ... wait for the server's acknowledgement, or ctx ...
			return map[string]any{"type": "result", "command": "send", "ok": true, "to": to}, nil
		}), nil
	}, control.Options{})
	if err != nil {
		panic(err) // an *InUseError: this screen name has a session here already
	}
	defer srv.Shutdown(context.Background(), map[string]string{"type": "disconnected", "reason": "logout"})

	// In `aim send`: a *NoSessionError from Dial means sign on as before.
	c, err := control.Dial(context.Background(), path)
	if err != nil {
		panic(err)
	}
	defer c.Close()
	body, err := c.Do(context.Background(), "send", []string{"Lab Bob", "build done"}, nil)
	if err != nil {
		panic(err)
	}
	var res struct {
		OK bool   `json:"ok"`
		To string `json:"to"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		panic(err)
	}
	fmt.Println(res.OK, res.To)
	// Output: true Lab Bob
}
