package ui

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// progressInterval is how often the progress line is redrawn at most: often
// enough to look alive, rarely enough to cost nothing on a slow terminal.
const progressInterval = 200 * time.Millisecond

// BackupProgress draws one self-overwriting line on a terminal while a
// backup or restore runs: files and bytes done (of the total, when known),
// throughput and the estimated time left. The archiver's and restorer's
// callbacks drive it; it redraws at most five times a second. It is safe for
// concurrent use. Commands create it only when standard error is a terminal
// and -json is not set; otherwise they use nil, whose methods do nothing.
type BackupProgress struct {
	w   io.Writer
	now func() time.Time
	// verb starts the line: "backing up", "restoring".
	verb string

	mu                    sync.Mutex
	start, drawn          time.Time
	files, bytes          int64
	totalFiles, totalSize int64
	width                 int
}

// NewBackupProgress returns a progress line written to w, timed by now.
func NewBackupProgress(w io.Writer, verb string, now func() time.Time) *BackupProgress {
	return &BackupProgress{w: w, now: now, verb: verb, start: now()}
}

// SetTotal records how much there is to do, once it is known.
func (p *BackupProgress) SetTotal(files, bytes int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.totalFiles, p.totalSize = files, bytes
	p.drawLocked(false)
}

// Add counts files and bytes done, and redraws if it is time.
func (p *BackupProgress) Add(files, bytes int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.files += files
	p.bytes += bytes
	p.drawLocked(false)
}

// Done erases the line, so that what follows starts on a clean one.
func (p *BackupProgress) Done() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.width > 0 {
		fmt.Fprint(p.w, "\r"+strings.Repeat(" ", p.width)+"\r")
		p.width = 0
	}
}

func (p *BackupProgress) drawLocked(force bool) {
	now := p.now()
	if !force && !p.drawn.IsZero() && now.Sub(p.drawn) < progressInterval {
		return
	}
	p.drawn = now
	line := ProgressLine(p.verb, now.Sub(p.start), p.files, p.totalFiles, p.bytes, p.totalSize)
	pad := ""
	if len(line) < p.width {
		pad = strings.Repeat(" ", p.width-len(line))
	}
	fmt.Fprint(p.w, "\r"+line+pad)
	p.width = len(line)
}

// ProgressLine renders the progress line's text: "[0:12] backing up 120 /
// 300 files, 1.2 GiB / 3.0 GiB, 98.0 MiB/s, ETA 0:18". Totals of zero are
// unknown and left out, and so is the ETA then.
func ProgressLine(verb string, elapsed time.Duration, files, totalFiles, bytes, totalBytes int64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "[%s] %s ", clock(elapsed), verb)
	if totalFiles > 0 {
		fmt.Fprintf(&b, "%d / %d files", files, totalFiles)
	} else {
		fmt.Fprintf(&b, "%d %s", files, plural(int(files), "file", "files"))
	}
	if totalBytes > 0 {
		fmt.Fprintf(&b, ", %s / %s", Bytes(bytes), Bytes(totalBytes))
	} else {
		fmt.Fprintf(&b, ", %s", Bytes(bytes))
	}
	secs := elapsed.Seconds()
	if secs > 0 && bytes > 0 {
		rate := float64(bytes) / secs
		fmt.Fprintf(&b, ", %s/s", Bytes(int64(rate)))
		if totalBytes > bytes {
			eta := time.Duration(float64(totalBytes-bytes) / rate * float64(time.Second))
			fmt.Fprintf(&b, ", ETA %s", clock(eta))
		}
	}
	return b.String()
}

// clock shows a duration as a person reads a stopwatch: 0:07, 12:30, 1:02:03.
func clock(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s < 3600 {
		return fmt.Sprintf("%d:%02d", s/60, s%60)
	}
	return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
}

// Bytes shows a size in binary units: 512 B, 1.5 KiB, 3.2 GiB.
func Bytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
