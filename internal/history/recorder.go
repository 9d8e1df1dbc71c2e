package history

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// Entry is one event to record.
type Entry struct {
	Conv      Conv
	Time      time.Time // picks the month file
	Direction string    // In or Out
	To        string    // on an IM sent: the recipient
	Stored    bool      // on an IM sent: the server keeps it for the recipient's next signon
	// Event is encoded by the Recorder's Encode, on the writer goroutine:
	// it must not change once recorded.
	Event any
}

// Problem is something a Recorder reports once: the queue overflowing, or
// writes failing (a full disk). Err says what; Dropped counts the events
// not recorded so far.
type Problem struct {
	Err     error
	Dropped int64
}

// ErrQueueFull is the Problem of events arriving faster than the disk
// takes them: they are counted and not recorded.
var ErrQueueFull = errors.New("history is not keeping up (the disk is slow or stuck): events are not being recorded")

// Options say how a Recorder records.
type Options struct {
	// Encode turns an Entry's Event into one line of JSON ending in '\n'
	// (for aim, client.JSON). Required.
	Encode func(v any) ([]byte, error)
	// KeepDays: month files whose month ended more than this many days ago
	// are removed, at Open and then daily. 0 keeps everything.
	KeepDays int
	// Report gets each Problem, once: the first event dropped because
	// the queue was full, the first write failing after writes worked
	// (or from the start), and at Close the count of events dropped, if
	// any. It is called on the writer goroutine or in Record.
	Report func(Problem)
	// QueueSize bounds the events waiting to be written; 0: DefaultQueue.
	QueueSize int
	// SyncEvery is how long written events may wait for their fsync; 0:
	// DefaultSyncEvery. Flush and Close sync at once.
	SyncEvery time.Duration
	// Now is the clock of retention; nil: time.Now.
	Now func() time.Time
}

// Defaults of Options.
const (
	DefaultQueue     = 4096
	DefaultSyncEvery = time.Second
	// maxOpen bounds the month files the writer keeps open.
	maxOpen = 32
	// pruneEvery is how often retention runs while recording.
	pruneEvery = 24 * time.Hour
)

// Recorder appends events to a store. Record never blocks: it queues the
// event for the Recorder's writer goroutine, which encodes it, appends it
// with one write, and fsyncs the files written at most every SyncEvery.
// The writer goroutine is started by Open and stopped by Close, which
// writes what is queued first.
type Recorder struct {
	root string
	opts Options
	q    chan item
	stop chan struct{} // closed by Close
	done chan struct{} // closed when the writer has returned

	closed    atomic.Bool
	dropped   atomic.Int64
	written   atomic.Int64 // events appended
	syncs     atomic.Int64 // fsyncs done
	told      atomic.Bool  // the queue overflowing was reported
	closeOnce sync.Once
	closeErr  error

	// The writer's own.
	files   map[string]*file
	unsaved map[*file]bool // written since the last fsync
	failing bool           // writes are failing, and that was reported
	failed1 bool           // a write failed since the last sync
	uses    int64          // writes so far, for closing the least recently used file
	buf     []byte
}

type item struct {
	e     Entry
	flush chan error // a Flush: closed once everything before it is synced
}

// Open starts a Recorder appending under root (created 0700 if missing),
// after removing the month files older than opts.KeepDays.
func Open(root string, opts Options) (*Recorder, error) {
	if opts.Encode == nil {
		return nil, errors.New("history: no Encode")
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = DefaultQueue
	}
	if opts.SyncEvery <= 0 {
		opts.SyncEvery = DefaultSyncEvery
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	r := &Recorder{root: root, opts: opts, q: make(chan item, opts.QueueSize), stop: make(chan struct{}),
		done: make(chan struct{}), files: map[string]*file{}, unsaved: map[*file]bool{}}
	if opts.KeepDays > 0 {
		if _, err := Prune(root, opts.Now().AddDate(0, 0, -opts.KeepDays)); err != nil {
			r.report(Problem{Err: err})
		}
	}
	go r.run()
	return r, nil
}

// Dir is the directory the Recorder writes under.
func (r *Recorder) Dir() string { return r.root }

// Record queues e and returns at once. When the queue is full the event
// is counted (Dropped) and not recorded; the first such event is
// reported. After Close it does nothing.
func (r *Recorder) Record(e Entry) {
	if r == nil || r.closed.Load() {
		return
	}
	select {
	case r.q <- item{e: e}:
	default:
		n := r.dropped.Add(1)
		if !r.told.Swap(true) {
			r.report(Problem{Err: ErrQueueFull, Dropped: n})
		}
	}
}

// Dropped is how many events were not recorded because the queue was full.
func (r *Recorder) Dropped() int64 { return r.dropped.Load() }

// Stats are a Recorder's counts so far.
type Stats struct {
	Written int64 // events appended
	Dropped int64 // events not recorded: the queue was full
	Syncs   int64 // fsyncs, all on the writer goroutine
}

// Stats returns the counts so far.
func (r *Recorder) Stats() Stats {
	return Stats{Written: r.written.Load(), Dropped: r.dropped.Load(), Syncs: r.syncs.Load()}
}

// Flush waits until every event recorded before it is written and synced,
// or ctx ends. It returns the first write error since the last Flush, if
// any.
func (r *Recorder) Flush(ctx context.Context) error {
	done := ctx.Done()
	if r == nil || r.closed.Load() {
		return nil
	}
	ack := make(chan error, 1)
	select {
	case r.q <- item{flush: ack}:
	case <-done:
		return nil
	case <-r.done:
		return nil
	}
	select {
	case err := <-ack:
		return err
	case <-done:
		return nil
	case <-r.done:
		return nil
	}
}

// Close writes and syncs what is queued, closes the files and stops the
// writer goroutine. It reports, once, how many events were dropped.
func (r *Recorder) Close() error {
	if r == nil {
		return nil
	}
	r.closeOnce.Do(func() {
		r.closed.Store(true)
		close(r.stop)
		<-r.done
		if n := r.dropped.Load(); n > 0 {
			r.closeErr = fmt.Errorf("history: %d events were not recorded (the queue was full)", n)
			r.report(Problem{Err: r.closeErr, Dropped: n})
		}
	})
	return r.closeErr
}

func (r *Recorder) report(p Problem) {
	if r.opts.Report != nil {
		r.opts.Report(p)
	}
}

// run is the writer goroutine.
func (r *Recorder) run() {
	defer close(r.done)
	defer r.closeFiles()
	sync := time.NewTimer(r.opts.SyncEvery)
	sync.Stop()
	syncArmed := false
	prune := time.NewTicker(pruneEvery)
	defer prune.Stop()
	var flushErr error
	handle := func(it item) {
		if it.flush != nil {
			r.syncAll()
			it.flush <- flushErr
			flushErr = nil
			return
		}
		if err := r.write(it.e); err != nil && flushErr == nil {
			flushErr = err
		}
		if !syncArmed && len(r.unsaved) > 0 {
			sync.Reset(r.opts.SyncEvery)
			syncArmed = true
		}
	}
	for {
		select {
		case it := <-r.q:
			handle(it)
		case <-sync.C:
			syncArmed = false
			r.syncAll()
		case <-prune.C:
			if r.opts.KeepDays > 0 {
				if _, err := Prune(r.root, r.opts.Now().AddDate(0, 0, -r.opts.KeepDays)); err != nil {
					r.report(Problem{Err: err})
				}
				r.closeFiles() // a removed file must not be appended to
			}
		case <-r.stop:
			for {
				select {
				case it := <-r.q:
					handle(it)
					continue
				default:
				}
				break
			}
			sync.Stop()
			r.syncAll()
			return
		}
	}
}

// file is an open month file.
type file struct {
	f       *os.File
	path    string
	used    int64 // the writer's count when last written, for closing the oldest
	checked bool  // its end is known to be a line's end (or it is empty)
}

// write appends e's line: one write, after a '\n' if the file's last line
// was cut short.
func (r *Recorder) write(e Entry) error {
	line, err := r.opts.Encode(e.Event)
	if err != nil {
		return r.failed(fmt.Errorf("history: encoding an event: %w", err))
	}
	f, err := r.open(e.Conv, e.Time)
	if err != nil {
		return r.failed(err)
	}
	r.buf = r.buf[:0]
	if !f.checked {
		torn, err := endsTorn(f.f)
		if err != nil {
			r.drop(f)
			return r.failed(fmt.Errorf("history: %s: %w", f.path, err))
		}
		if torn {
			r.buf = append(r.buf, '\n')
		}
	}
	r.buf = appendLine(r.buf, line, e)
	if _, err := f.f.Write(r.buf); err != nil {
		// Part of the line may be on disk: check the end before the next.
		f.checked = false
		return r.failed(fmt.Errorf("history: writing %s: %w", f.path, err))
	}
	f.checked = true
	r.written.Add(1)
	r.unsaved[f] = true
	return nil
}

// failed reports err unless writes were failing already: until a sync
// interval passes without a failure, writes that work between failing
// ones (other files) do not make the next failure news.
func (r *Recorder) failed(err error) error {
	r.failed1 = true
	if !r.failing {
		r.failing = true
		r.report(Problem{Err: err, Dropped: r.dropped.Load()})
	}
	return err
}

// appendLine appends line (JSON ending in "}\n") to b with e's fields
// that the event has not (direction, to, stored) added before its
// closing brace.
func appendLine(b, line []byte, e Entry) []byte {
	line = bytes.TrimRight(line, "\n")
	if len(line) < 2 || line[len(line)-1] != '}' {
		return append(append(b, line...), '\n')
	}
	b = append(b, line[:len(line)-1]...)
	if e.Direction != "" {
		if line[len(line)-2] != '{' {
			b = append(b, ',')
		}
		b = append(b, `"direction":`...)
		b = appendString(b, e.Direction)
	}
	if e.To != "" {
		b = append(b, `,"to":`...)
		b = appendString(b, e.To)
	}
	if e.Stored {
		b = append(b, `,"stored":true`...)
	}
	return append(b, "}\n"...)
}

func appendString(b []byte, s string) []byte {
	q, _ := json.Marshal(s) // a string always encodes
	return append(b, q...)
}

// open returns the month file of conv at t, opening it (and its
// directories) if needed.
func (r *Recorder) open(c Conv, t time.Time) (*file, error) {
	path := filepath.Join(c.dir(r.root), monthFile(t))
	r.uses++
	if f := r.files[path]; f != nil {
		f.used = r.uses
		return f, nil
	}
	if len(r.files) >= maxOpen {
		var oldest *file
		for _, f := range r.files {
			if oldest == nil || f.used < oldest.used {
				oldest = f
			}
		}
		r.drop(oldest)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	osf, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	f := &file{f: osf, path: path, used: r.uses}
	r.files[path] = f
	return f, nil
}

// endsTorn reports whether f's last byte is not a newline (a line cut short).
func endsTorn(f *os.File) (bool, error) {
	info, err := f.Stat()
	if err != nil {
		return false, err
	}
	if info.Size() == 0 {
		return false, nil
	}
	var last [1]byte
	if _, err := f.ReadAt(last[:], info.Size()-1); err != nil {
		return false, err
	}
	return last[0] != '\n', nil
}

// syncAll fsyncs the files written since the last sync, and ends a sync
// interval.
func (r *Recorder) syncAll() {
	defer func() {
		if !r.failed1 {
			r.failing = false // a whole interval without a failure
		}
		r.failed1 = false
	}()
	for f := range r.unsaved {
		r.syncs.Add(1)
		if err := f.f.Sync(); err != nil {
			r.failed(fmt.Errorf("history: saving %s: %w", f.path, err))
		}
		delete(r.unsaved, f)
	}
}

// drop syncs and closes f.
func (r *Recorder) drop(f *file) {
	if r.unsaved[f] {
		f.f.Sync()
		delete(r.unsaved, f)
	}
	f.f.Close()
	delete(r.files, f.path)
}

func (r *Recorder) closeFiles() {
	for _, f := range r.files {
		r.drop(f)
	}
}
