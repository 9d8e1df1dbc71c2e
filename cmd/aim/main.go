// Command aim is a command-line AIM client: it speaks OSCAR to an AIM
// server, and keeps its settings, buddy list, profile and away message in
// one config file. Run "aim --help" for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/aim-oscar/aim/internal/iostreams"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first Ctrl-C signs off cleanly; once it has been caught, signals
	// act as usual again, so a second one ends aim at once.
	context.AfterFunc(ctx, stop)
	code := run(ctx, os.Args[1:], iostreams.System())
	stop()
	os.Exit(code)
}
