package archiver_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stewardhq/steward/providers/backup/archiver"
	"github.com/stewardhq/steward/providers/backup/archiver/archivertest"
	"github.com/stewardhq/steward/providers/backup/restorer"
)

// benchTree writes 32 MiB in 256 files over 16 directories, half of them
// incompressible and half text.
func benchTree(b *testing.B) (string, int64) {
	b.Helper()
	src := filepath.Join(b.TempDir(), "src")
	var total int64
	for i := 0; i < 256; i++ {
		dir := filepath.Join(src, fmt.Sprintf("d%02d", i%16))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		data := archivertest.RandomBytes(uint64(i), 128<<10)
		if i%2 == 1 {
			for j := range data {
				data[j] = "abcdefgh ijklmn\n"[data[j]%16]
			}
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%03d", i)), data, 0o644); err != nil {
			b.Fatal(err)
		}
		total += int64(len(data))
	}
	return src, total
}

func BenchmarkBackupFirst(b *testing.B) {
	src, total := benchTree(b)
	b.SetBytes(total)
	for b.Loop() {
		repo := archivertest.NewLocalRepo(b, b.TempDir())
		if _, _, err := archiver.New(repo, archiver.Options{Host: "h"}).Backup(context.Background(), []string{src}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBackupUnchanged(b *testing.B) {
	src, total := benchTree(b)
	repo := archivertest.NewLocalRepo(b, b.TempDir())
	if _, _, err := archiver.New(repo, archiver.Options{Host: "h"}).Backup(context.Background(), []string{src}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(total)
	for b.Loop() {
		_, sum, err := archiver.New(repo, archiver.Options{Host: "h"}).Backup(context.Background(), []string{src})
		if err != nil {
			b.Fatal(err)
		}
		if sum.FilesRead != 0 {
			b.Fatalf("unchanged backup read %d files", sum.FilesRead)
		}
	}
}

func BenchmarkRestore(b *testing.B) {
	src, total := benchTree(b)
	repo := archivertest.NewLocalRepo(b, b.TempDir())
	snap, _, err := archiver.New(repo, archiver.Options{Host: "h"}).Backup(context.Background(), []string{src})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(total)
	for b.Loop() {
		if _, err := restorer.New(repo, snap, restorer.Options{}).Restore(context.Background(), b.TempDir()); err != nil {
			b.Fatal(err)
		}
	}
}
