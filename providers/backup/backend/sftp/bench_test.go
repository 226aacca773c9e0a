package sftp_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/stewardhq/steward/internal/testenv/sshd"
	"github.com/stewardhq/steward/providers/backup/backend"
)

// BenchmarkOpenCreate measures connecting (TCP, SSH handshake, SFTP) and
// making a repository's 263 directories.
func BenchmarkOpenCreate(b *testing.B) {
	s := sshd.Start(b)
	for i := 0; b.Loop(); i++ {
		be := open(b, config(s, filepath.Join(b.TempDir(), fmt.Sprint(i))))
		if err := be.Create(context.Background()); err != nil {
			b.Fatal(err)
		}
		be.Close()
	}
}

// BenchmarkSaveLoad measures saving and loading 4 MiB pack files over SFTP
// to a real sshd on 127.0.0.1.
func BenchmarkSaveLoad(b *testing.B) {
	s := sshd.Start(b)
	be := open(b, config(s, filepath.Join(b.TempDir(), "repo")))
	defer be.Close()
	ctx := context.Background()
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
