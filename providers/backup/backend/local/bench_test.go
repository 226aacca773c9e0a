package local_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"testing"

	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/backend/local"
)

// BenchmarkSaveLoad measures saving (with fsync of file and directory) and
// loading 4 MiB pack files.
func BenchmarkSaveLoad(b *testing.B) {
	ctx := context.Background()
	be := local.New(b.TempDir())
	if err := be.Create(ctx); err != nil {
		b.Fatal(err)
	}
	data := make([]byte, 4<<20)
	if _, err := rand.Read(data); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)) * 2)
	for i := 0; b.Loop(); i++ {
		h := backend.Handle{Type: backend.PackFile, Name: fmt.Sprintf("%064x", i)}
		if err := be.Save(ctx, h, bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
		if err := be.Load(ctx, h, 0, 0, func(rd io.Reader) error {
			_, err := io.Copy(io.Discard, rd)
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
}
