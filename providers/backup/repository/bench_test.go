package repository_test

import (
	"context"
	"encoding/binary"
	"io"
	"sync/atomic"
	"testing"

	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/backend/mem"
	"github.com/stewardhq/steward/providers/backup/blob"
	"github.com/stewardhq/steward/providers/backup/repository"
)

// benchSave measures the whole SaveBlob pipeline (hash, compress, encrypt,
// pack, upload to memory, index) for 1 MiB blobs, like the archiver's
// average chunk, saved from GOMAXPROCS goroutines.
func benchSave(b *testing.B, mode repository.Compression, data []byte) {
	ctx := context.Background()
	opts := repository.TestInitOptions()
	opts.Compression = mode
	opts.PackSize = repository.DefaultPackSize
	r, err := repository.Init(ctx, discardPacks{mem.New()}, repository.TestPassword, opts)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	var n atomic.Uint64
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		buf := append([]byte(nil), data...)
		for pb.Next() {
			// Make every blob distinct so none is deduplicated.
			binary.LittleEndian.PutUint64(buf, n.Add(1))
			if _, _, err := r.SaveBlob(ctx, blob.Data, buf); err != nil {
				b.Error(err)
				return
			}
		}
	})
	if err := r.Flush(ctx); err != nil {
		b.Fatal(err)
	}
}

// discardPacks drops pack contents, so the SaveBlob benchmarks measure the
// pipeline rather than the in-memory backend growing by gigabytes.
type discardPacks struct{ *mem.Backend }

func (d discardPacks) Save(ctx context.Context, h backend.Handle, rd io.Reader) error {
	if h.Type == backend.PackFile {
		_, err := io.Copy(io.Discard, rd)
		return err
	}
	return d.Backend.Save(ctx, h, rd)
}

func BenchmarkSaveBlobIncompressible(b *testing.B) {
	benchSave(b, repository.CompressionAuto, randomBytes(b, 1<<20))
}

func BenchmarkSaveBlobCompressible(b *testing.B) {
	benchSave(b, repository.CompressionAuto, compressible(1<<20, 1))
}

func BenchmarkSaveBlobCompressionOff(b *testing.B) {
	benchSave(b, repository.CompressionOff, randomBytes(b, 1<<20))
}

func BenchmarkSaveBlobCompressibleMax(b *testing.B) {
	benchSave(b, repository.CompressionMax, compressible(1<<20, 1))
}

// BenchmarkLoadBlob measures fetching, authenticating, decompressing and
// re-hashing 1 MiB blobs (half compressible, half not).
func BenchmarkLoadBlob(b *testing.B) {
	ctx := context.Background()
	r, _ := repository.TestRepository(b)
	var ids []blob.ID
	for i := range 32 {
		var d []byte
		if i%2 == 0 {
			d = randomBytes(b, 1<<20)
		} else {
			d = compressible(1<<20, uint64(i))
		}
		id, _, err := r.SaveBlob(ctx, blob.Data, d)
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := r.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(1 << 20)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		buf := make([]byte, 0, 1<<20)
		i := 0
		for pb.Next() {
			var err error
			if buf, err = r.LoadBlob(ctx, blob.Data, ids[i%len(ids)], buf); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}

// BenchmarkID measures the keyed hash alone.
func BenchmarkID(b *testing.B) {
	r, _ := repository.TestRepository(b)
	data := randomBytes(b, 1<<20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		r.ID(data)
	}
}
