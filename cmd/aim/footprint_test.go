package main

import (
	"bufio"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aim-oscar/aim/internal/oscartest"
)

// idleWindow is how long BenchmarkIdleLogin watches a signed-on aim that
// has nothing to do. The keepalive ticks once a minute, so a window
// shorter than that should see no wake-up at all.
const idleWindow = 10 * time.Second

// BenchmarkIdleLogin builds aim, runs `aim login --json --no-input`
// against the in-process server (the server's memory is not aim's), and
// once it is signed on and idle reports its resident memory (VmRSS, and
// VmHWM, the peak), its threads, and over idleWindow the CPU it used and
// how often its threads woke up (context switches, all threads). Linux
// only: it reads /proc.
func BenchmarkIdleLogin(b *testing.B) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		b.Skip("needs /proc")
	}
	bin := buildAim(b)
	srv := oscartest.NewServer(oscartest.Account{ScreenName: "LabAlice", Password: "alicepw1"}, oscartest.Account{ScreenName: "LabBob", Password: "bobpass22"})
	defer srv.Close()
	home := b.TempDir()
	var rss, hwm, threads, cpu, wakeups float64
	for b.Loop() {
		cmd := exec.Command(bin, "login", "--json", "--no-input", "--screen-name", "LabAlice")
		cmd.Env = []string{"HOME=" + home, "XDG_CONFIG_HOME=" + home, "XDG_RUNTIME_DIR=" + home, "TMPDIR=" + home, "AIM_SERVER=" + srv.AuthAddr(), "AIM_PASSWORD=alicepw1", "PATH=" + os.Getenv("PATH")}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		lines := bufio.NewScanner(stdout)
		for lines.Scan() && !strings.Contains(lines.Text(), `"signed_on"`) {
		}
		go func() {
			for lines.Scan() {
			}
		}()
		time.Sleep(time.Second) // let the signon's garbage be collected or not, as it would
		pid := cmd.Process.Pid
		status := procStatus(b, pid, "")
		rss, hwm, threads = status["VmRSS"]/1024, status["VmHWM"]/1024, status["Threads"]
		cpu0, sw0 := procCPU(b, pid), procSwitches(b, pid)
		time.Sleep(idleWindow)
		cpu = float64(procCPU(b, pid)-cpu0) / float64(clockTicks) * 1000
		wakeups = float64(procSwitches(b, pid) - sw0)
		cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil {
			b.Errorf("aim login after SIGTERM: %v", err)
		}
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(rss, "rss-MiB")
	b.ReportMetric(hwm, "peak-rss-MiB")
	b.ReportMetric(threads, "threads")
	b.ReportMetric(cpu, "idle-cpu-ms/10s")
	b.ReportMetric(wakeups, "idle-wakeups/10s")
}

// clockTicks is USER_HZ, the unit of utime and stime in /proc/PID/stat: 100
// on every Linux Go runs on.
const clockTicks = 100

// procStatus reads the numeric fields of /proc/PID[/task/TID]/status,
// sizes in KiB.
func procStatus(b *testing.B, pid int, task string) map[string]float64 {
	b.Helper()
	path := "/proc/" + strconv.Itoa(pid) + task + "/status"
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	m := map[string]float64{}
	for line := range strings.SplitSeq(string(data), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		if n, err := strconv.ParseFloat(f[0], 64); err == nil {
			m[k] = n
		}
	}
	return m
}

// procCPU returns utime+stime of the process, in clock ticks.
func procCPU(b *testing.B, pid int) int64 {
	b.Helper()
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		b.Fatal(err)
	}
	// The command name, in parentheses, may hold spaces: count from after it.
	f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64) // field 14 of stat
	stime, _ := strconv.ParseInt(f[12], 10, 64) // field 15
	return utime + stime
}

// procSwitches returns the context switches of all the process's threads:
// each time a thread that was asleep woke up and slept again.
func procSwitches(b *testing.B, pid int) float64 {
	b.Helper()
	tasks, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	if err != nil {
		b.Fatal(err)
	}
	var n float64
	for _, t := range tasks {
		s := procStatus(b, pid, "/task/"+t.Name())
		n += s["voluntary_ctxt_switches"] + s["nonvoluntary_ctxt_switches"]
	}
	return n
}
