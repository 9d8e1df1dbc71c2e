package client

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkHistoryRecord is what recording costs the session: emit of an
// incoming IM with the history off and on (the difference is the cost),
// across 20 conversations. The writer goroutine encodes, writes and
// fsyncs on its own; every 1,000 IMs the benchmark waits for it, off the
// clock, so that the queue never fills. fsyncs/op counts the writer's
// fsyncs per IM (the session's path does none).
func BenchmarkHistoryRecord(b *testing.B) {
	var names []string
	for i := range 20 {
		names = append(names, fmt.Sprintf("Lab Buddy %02d", i))
	}
	for _, on := range []bool{false, true} {
		b.Run(fmt.Sprintf("history=%v", on), func(b *testing.B) {
			c := &Client{opts: Options{Now: time.Now}}
			if on {
				rec, err := openHistory(Account{HistoryDir: b.TempDir()}, func(o Output) { b.Errorf("%v", o) })
				if err != nil {
					b.Fatal(err)
				}
				c.history = rec
			}
			i := 0
			for b.Loop() {
				c.emit(&IM{From: names[i%len(names)], Text: "lunch at noon? the usual place", HTML: "<b>lunch</b> at noon? the usual place"})
				if i++; i%1000 == 0 {
					b.StopTimer()
					c.history.Flush(context.Background())
					b.StartTimer()
				}
			}
			b.StopTimer()
			if c.history != nil {
				c.history.Close()
				st := c.history.Stats()
				if st.Dropped > 0 || st.Written != int64(i) {
					b.Fatalf("%+v of %d IMs", st, i)
				}
				b.ReportMetric(float64(st.Syncs)/float64(i), "fsyncs/op")
			}
		})
	}
}
