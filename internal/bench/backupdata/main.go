// Command backupdata writes a deterministic data set for backup benchmarks
// (internal/bench/compare-restic.sh), and changes a share of it in a
// deterministic way for the "after a change" measurement.
//
//	backupdata -out DIR [-size MiB] [-seed N]         generate
//	backupdata -out DIR -modify 5 [-seed N]           change about 5% of the bytes
//
// The set mixes what a file server holds: incompressible files from 1 KiB
// to 64 MiB (log-distributed sizes), compressible logs and text, many small
// files, exact duplicates of other files in other directories, and files
// made of regions copied from others with fresh data between them (so
// dedup has to find shared chunks inside files).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	out := flag.String("out", "", "directory to write (created)")
	sizeMiB := flag.Int("size", 1024, "approximate total size in MiB")
	seed := flag.Uint64("seed", 1, "seed of the data")
	modify := flag.Float64("modify", 0, "instead of generating, change this percentage of the existing data")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "backupdata: -out is required")
		os.Exit(2)
	}
	var err error
	if *modify > 0 {
		err = modifyTree(*out, *modify, *seed)
	} else {
		err = generate(*out, int64(*sizeMiB)<<20, *seed)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "backupdata:", err)
		os.Exit(1)
	}
}

type gen struct {
	rng     *rand.Rand
	root    string
	written []string // files so far, for duplicates
	n       int
}

func (g *gen) random(n int) []byte {
	b := make([]byte, n+8)
	for i := 0; i < n; i += 8 {
		v := g.rng.Uint64()
		b[i], b[i+1], b[i+2], b[i+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
		b[i+4], b[i+5], b[i+6], b[i+7] = byte(v>>32), byte(v>>40), byte(v>>48), byte(v>>56)
	}
	return b[:n]
}

var words = strings.Fields(`connection accepted closed user login logout session timeout backup snapshot
	interface GigabitEthernet0/1 vlan trunk native access port-channel ospf neighbor adjacency changed
	state full down up error warning info debug request response latency ms bytes packet dropped retry
	ldap bind search result entries dn uid ou people groups member cron job started finished exit code`)

var levels = []string{"INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"}

func (g *gen) text(n int) []byte {
	var sb strings.Builder
	sb.Grow(n + 200)
	t := int64(1_700_000_000) + int64(g.rng.IntN(1_000_000))
	for sb.Len() < n {
		t += int64(g.rng.IntN(5))
		fmt.Fprintf(&sb, "2026-%02d-%02dT%02d:%02d:%02dZ host%02d %s[%d]: %s", 1+t%12, 1+t%28, t%24, t%60, (t/7)%60,
			g.rng.IntN(40), []string{"sshd", "kernel", "slapd", "steward", "cron"}[g.rng.IntN(5)], g.rng.IntN(65536), levels[g.rng.IntN(len(levels))])
		for k := 3 + g.rng.IntN(10); k > 0; k-- {
			sb.WriteByte(' ')
			if g.rng.IntN(6) == 0 {
				fmt.Fprintf(&sb, "%d", g.rng.IntN(100000))
			} else {
				sb.WriteString(words[g.rng.IntN(len(words))])
			}
		}
		sb.WriteByte('\n')
	}
	return []byte(sb.String()[:n])
}

func (g *gen) path(kind, ext string) string {
	g.n++
	return filepath.Join(g.root, kind, fmt.Sprintf("d%02d", g.n%23), fmt.Sprintf("d%d", g.n%7), fmt.Sprintf("%s-%05d%s", kind, g.n, ext))
}

func (g *gen) write(p string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return err
	}
	g.written = append(g.written, p)
	return nil
}

// logSize draws a size between lo and hi, uniform in log scale.
func (g *gen) logSize(lo, hi float64) int {
	return int(math.Exp(math.Log(lo) + g.rng.Float64()*(math.Log(hi)-math.Log(lo))))
}

func generate(root string, total int64, seed uint64) error {
	g := &gen{rng: rand.New(rand.NewPCG(seed, 0x5eed)), root: root}
	budget := func(share float64) int64 { return int64(float64(total) * share) }
	// 40% incompressible files, 1 KiB .. 64 MiB.
	for left := budget(0.40); left > 0; {
		n := min(int64(g.logSize(1<<10, 64<<20)), left)
		if err := g.write(g.path("bin", ".dat"), g.random(int(n))); err != nil {
			return err
		}
		left -= n
	}
	// 25% logs and text, 4 KiB .. 16 MiB.
	for left := budget(0.25); left > 0; {
		n := min(int64(g.logSize(4<<10, 16<<20)), left)
		if err := g.write(g.path("log", ".log"), g.text(int(n))); err != nil {
			return err
		}
		left -= n
	}
	// 5% many small files, 100 B .. 16 KiB, half text.
	for left := budget(0.05); left > 0; {
		n := min(int64(g.logSize(100, 16<<10)), left)
		data := g.random(int(n))
		if g.rng.IntN(2) == 0 {
			data = g.text(int(n))
		}
		if err := g.write(g.path("small", ".txt"), data); err != nil {
			return err
		}
		left -= n
	}
	originals := append([]string(nil), g.written...)
	// 15% exact duplicates of earlier files, in other directories.
	for left := budget(0.15); left > 0; {
		src := originals[g.rng.IntN(len(originals))]
		data, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		if err := g.write(g.path("copy", filepath.Ext(src)), data); err != nil {
			return err
		}
		left -= int64(len(data))
	}
	// 15% files of regions copied from other files with fresh data between.
	for left := budget(0.15); left > 0; {
		var buf []byte
		target := g.logSize(1<<20, 32<<20)
		for len(buf) < target {
			if g.rng.IntN(3) == 0 {
				buf = append(buf, g.random(g.logSize(1<<10, 1<<20))...)
				continue
			}
			data, err := os.ReadFile(originals[g.rng.IntN(len(originals))])
			if err != nil {
				return err
			}
			if len(data) < 4096 {
				continue
			}
			from := g.rng.IntN(len(data) / 2)
			buf = append(buf, data[from:from+min(len(data)-from, g.logSize(64<<10, 8<<20))]...)
		}
		if err := g.write(g.path("mixed", ".bin"), buf); err != nil {
			return err
		}
		left -= int64(len(buf))
	}
	return nil
}

// modifyTree changes about pct percent of the bytes below root: it
// overwrites a quarter of some binary files with fresh data, appends to
// some logs, deletes a few small files and adds new files.
func modifyTree(root string, pct float64, seed uint64) error {
	g := &gen{rng: rand.New(rand.NewPCG(seed, 0xc4a6e)), root: filepath.Join(root, "new")}
	type file struct {
		path string
		size int64
	}
	var files []file
	var total int64
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		files = append(files, file{p, fi.Size()})
		total += fi.Size()
		return nil
	})
	if err != nil {
		return err
	}
	sort.Slice(files, func(i, j int) bool { return files[i].path < files[j].path })
	goal := int64(float64(total) * pct / 100)
	var changed int64
	for _, i := range g.rng.Perm(len(files)) {
		if changed >= goal*8/10 {
			break
		}
		f := files[i]
		switch {
		case strings.HasSuffix(f.path, ".log"):
			add := g.text(int(f.size/10) + 1000)
			if err := appendFile(f.path, add); err != nil {
				return err
			}
			changed += int64(len(add))
		case strings.Contains(f.path, "/small/") && g.rng.IntN(4) == 0:
			if err := os.Remove(f.path); err != nil {
				return err
			}
			changed += f.size
		default:
			n := f.size/4 + 1
			if err := overwrite(f.path, f.size/3, g.random(int(n))); err != nil {
				return err
			}
			changed += n
		}
	}
	// The rest as new files.
	for changed < goal {
		n := min(int64(g.logSize(4<<10, 8<<20)), goal-changed+1)
		if err := g.write(g.path("added", ".dat"), g.random(int(n))); err != nil {
			return err
		}
		changed += n
	}
	fmt.Printf("changed %d of %d bytes (%.1f%%)\n", changed, total, 100*float64(changed)/float64(total))
	return nil
}

func appendFile(p string, data []byte) error {
	f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if _, err := w.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func overwrite(p string, off int64, data []byte) error {
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteAt(data, off); err != nil && err != io.EOF {
		f.Close()
		return err
	}
	return f.Close()
}
