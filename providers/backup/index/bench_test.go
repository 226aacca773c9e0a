package index_test

import (
	"testing"

	"github.com/stewardhq/steward/providers/backup/blob"
	"github.com/stewardhq/steward/providers/backup/index"
	"github.com/stewardhq/steward/providers/backup/pack"
)

// benchFile is an index of 50,000 blobs in 500 packs, about what a
// repository of many small files holds.
func benchFile(b *testing.B) []byte {
	var f index.File
	for p := range 500 {
		var es []pack.Entry
		off := uint32(0)
		for i := range 100 {
			id := blob.ID{byte(p), byte(p >> 8), byte(i), 7, 9, 11}
			es = append(es, pack.Entry{Type: blob.Data, ID: id, Offset: off, Length: 1000, UncompressedLength: 3000})
			off += 1000
		}
		f.AddPack(blob.ID{byte(p), byte(p >> 8), 1}, es)
	}
	data, err := f.Encode()
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func BenchmarkDecodeFile50k(b *testing.B) {
	data := benchFile(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := index.DecodeFile(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadIndex50k(b *testing.B) {
	data := benchFile(b)
	for b.Loop() {
		f, err := index.DecodeFile(data)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for _, p := range f.Packs {
			n += len(p.Blobs)
		}
		index.NewWithCapacity(n).AddFile(f)
	}
}
