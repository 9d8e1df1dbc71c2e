package bos_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/bos"
	"github.com/aim-oscar/aim/internal/login"
	"github.com/aim-oscar/aim/internal/oscartest"
	"github.com/aim-oscar/aim/internal/secret"
)

// helperAccountsEnv makes the test binary a server for
// BenchmarkSessions1000 (see TestHelperServer).
const helperAccountsEnv = "AIM_BOS_HELPER_ACCOUNTS"

func benchAccount(i int) oscartest.Account {
	return oscartest.Account{ScreenName: fmt.Sprintf("bench%04d", i), Password: "benchpw1"}
}

// TestHelperServer is not a test. BenchmarkSessions1000/client runs the
// test binary again with AIM_BOS_HELPER_ACCOUNTS=n, and then this serves n
// accounts until its standard input closes, so that the server's memory
// and goroutines are not counted as the client's.
func TestHelperServer(t *testing.T) {
	n, err := strconv.Atoi(os.Getenv(helperAccountsEnv))
	if err != nil {
		t.Skip("only a helper process for BenchmarkSessions1000")
	}
	srv := oscartest.NewServer()
	defer srv.Close()
	for i := range n {
		srv.AddAccount(benchAccount(i))
	}
	fmt.Println(srv.AuthAddr())
	io.Copy(io.Discard, os.Stdin)
}

// helperServer starts TestHelperServer in a child process and returns the
// authorizer's address.
func helperServer(b *testing.B, n int) string {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperServer$")
	cmd.Env = append(os.Environ(), helperAccountsEnv+"="+strconv.Itoa(n))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	addr, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("helper server: %v", err)
	}
	go io.Copy(io.Discard, stdout)
	return strings.TrimSpace(addr)
}

// footprint is what the process holds, after a garbage collection.
type footprint struct {
	heap, stack int64 // runtime.MemStats HeapInuse, StackInuse
	rss         int64 // VmRSS, 0 where /proc is missing
	goroutines  int
}

func measure() footprint {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return footprint{heap: int64(m.HeapInuse), stack: int64(m.StackInuse), rss: vmRSS(), goroutines: runtime.NumGoroutine()}
}

// vmRSS reads this process's resident set size from /proc (Linux).
func vmRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkSessions1000 signs on 1,000 sessions in one process and
// reports what each costs: heap and stack bytes (HeapInuse + StackInuse
// after a collection) and goroutines, the difference from before the
// signons divided by 1,000. "client" runs the server in another process,
// so the figures are the client's alone, and also reports resident bytes
// (VmRSS) per session, from its first round only: later rounds reuse
// memory the first got from the OS. "with-server" runs the server in this
// process, as the tests and aim demo do, and counts both sides.
func BenchmarkSessions1000(b *testing.B) {
	const n = 1000
	for _, where := range []string{"client", "with-server"} {
		b.Run(where, func(b *testing.B) {
			var heap, goroutines, rss float64
			rounds := 0
			for b.Loop() {
				var addr string
				var srv *oscartest.Server
				if where == "client" {
					addr = helperServer(b, n)
				} else {
					srv = oscartest.NewServer()
					for i := range n {
						srv.AddAccount(benchAccount(i))
					}
					addr = srv.AuthAddr()
				}
				before := measure()
				sessions := make([]*bos.Session, 0, n)
				for i := range n {
					sessions = append(sessions, benchSignOn(b, addr, benchAccount(i)))
				}
				after := measure()
				heap += float64(after.heap + after.stack - before.heap - before.stack)
				goroutines += float64(after.goroutines - before.goroutines)
				if rounds == 0 {
					rss = float64(after.rss - before.rss)
				}
				rounds++
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				for _, s := range sessions {
					s.Logout(ctx)
				}
				cancel()
				if srv != nil {
					srv.Close()
				}
			}
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(heap/float64(rounds*n), "heap+stack-B/session")
			b.ReportMetric(goroutines/float64(rounds*n), "goroutines/session")
			if where == "client" && rss > 0 {
				b.ReportMetric(rss/n, "rss-B/session")
			}
		})
	}
}

func benchSignOn(b *testing.B, addr string, acct oscartest.Account) *bos.Session {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := login.Authorize(ctx, login.Options{Addr: addr, ScreenName: acct.ScreenName, Password: secret.String(acct.Password)})
	if err != nil {
		b.Fatalf("Authorize(%s): %v", acct.ScreenName, err)
	}
	sess, err := bos.Connect(context.Background(), bos.Options{Addr: res.BOSAddr, Cookie: res.Cookie, ScreenName: res.ScreenName})
	if err != nil {
		b.Fatalf("Connect(%s): %v", acct.ScreenName, err)
	}
	return sess
}
