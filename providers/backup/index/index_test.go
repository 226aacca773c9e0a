package index_test

import (
	"testing"

	"github.com/stewardhq/steward/providers/backup/blob"
	"github.com/stewardhq/steward/providers/backup/index"
	"github.com/stewardhq/steward/providers/backup/pack"
)

func TestFileRoundTrip(t *testing.T) {
	var f index.File
	entries := []pack.Entry{
		{Type: blob.Data, ID: blob.ID{1}, Offset: 0, Length: 100, UncompressedLength: 500},
		{Type: blob.Tree, ID: blob.ID{2}, Offset: 100, Length: 40},
	}
	f.AddPack(blob.ID{9}, entries)
	f.Supersedes = []blob.ID{{7}}
	data, err := f.Encode()
	if err != nil {
		t.Fatal(err)
	}
	g, err := index.DecodeFile(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Packs) != 1 || g.Packs[0].ID != (blob.ID{9}) || g.Supersedes[0] != (blob.ID{7}) {
		t.Fatalf("decoded %+v", g)
	}
	for i, e := range g.Packs[0].Entries() {
		if e != entries[i] {
			t.Fatalf("entry %d: %+v, want %+v", i, e, entries[i])
		}
	}
	if g.Packs[0].Size() != pack.Size(entries) {
		t.Fatal("pack size differs")
	}
	idx := index.New()
	idx.AddFile(g)
	idx.Add(blob.ID{10}, entries[:1]) // a second copy
	if loc, ok := idx.Lookup(blob.Handle{Type: blob.Data, ID: blob.ID{1}}); !ok || loc.Pack != (blob.ID{9}) {
		t.Fatalf("lookup: %+v %v (first copy must win)", loc, ok)
	}
	if idx.Len() != 2 || idx.Duplicates() != 1 {
		t.Fatalf("len %d duplicates %d", idx.Len(), idx.Duplicates())
	}
}

func TestDecodeRejects(t *testing.T) {
	for name, in := range map[string]string{
		"not json":    `{`,
		"old version": `{"version":9,"packs":[]}`,
		"bad type":    `{"version":1,"packs":[{"id":"` + blob.ID{}.String() + `","blobs":[{"id":"` + blob.ID{}.String() + `","type":"x","offset":0,"length":30}]}]}`,
		"gap":         `{"version":1,"packs":[{"id":"` + blob.ID{}.String() + `","blobs":[{"id":"` + blob.ID{}.String() + `","type":"data","offset":5,"length":30}]}]}`,
	} {
		if _, err := index.DecodeFile([]byte(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// FuzzDecodeFile: the index decoder must never panic on arbitrary input,
// and what it accepts must encode again.
func FuzzDecodeFile(f *testing.F) {
	var file index.File
	file.AddPack(blob.ID{9}, []pack.Entry{{Type: blob.Data, ID: blob.ID{1}, Length: 100}, {Type: blob.Tree, ID: blob.ID{2}, Offset: 100, Length: 40}})
	seed, _ := file.Encode()
	f.Add(seed)
	f.Add([]byte(`{"version":1,"packs":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := index.DecodeFile(data)
		if err != nil {
			return
		}
		if _, err := g.Encode(); err != nil {
			t.Fatalf("accepted index does not encode: %v", err)
		}
		for _, p := range g.Packs {
			_ = p.Size()
		}
	})
}
