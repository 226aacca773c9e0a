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
	var f index.File
	f.AddPack(blob.ID{9}, []pack.Entry{{Type: blob.Data, ID: blob.ID{1}, Length: 100}})
	good, err := f.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := index.DecodeFile(good); err != nil {
		t.Fatal(err)
	}
	mutate := func(fn func(b []byte) []byte) []byte { return fn(append([]byte(nil), good...)) }
	for name, in := range map[string][]byte{
		"empty":       {},
		"json":        []byte(`{"version":1,"packs":[]}`),
		"new version": mutate(func(b []byte) []byte { b[4] = 9; return b }),
		"truncated":   good[:len(good)-1],
		"trailing":    append(append([]byte(nil), good...), 0),
		"huge count":  mutate(func(b []byte) []byte { b[9], b[10], b[11], b[12] = 0xff, 0xff, 0xff, 0xff; return b }),
		"bad type":    mutate(func(b []byte) []byte { b[len(b)-pack.EntrySize] = 7; return b }),
		"too short":   mutate(func(b []byte) []byte { b[len(b)-pack.EntrySize+1] = 3; return b }),
	} {
		if _, err := index.DecodeFile(in); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	var gap index.File
	gap.AddPack(blob.ID{9}, []pack.Entry{{Type: blob.Data, ID: blob.ID{1}, Offset: 5, Length: 100}})
	if _, err := gap.Encode(); err == nil {
		t.Error("encoded a pack whose first blob does not start at 0")
	}
}

// FuzzDecodeFile: the index decoder must never panic on arbitrary input,
// and what it accepts must encode again.
func FuzzDecodeFile(f *testing.F) {
	var file index.File
	file.AddPack(blob.ID{9}, []pack.Entry{{Type: blob.Data, ID: blob.ID{1}, Length: 100}, {Type: blob.Tree, ID: blob.ID{2}, Offset: 100, Length: 40}})
	seed, _ := file.Encode()
	f.Add(seed)
	f.Add([]byte("STIX\x01\x00\x00\x00\x00\x01\x00\x00\x00"))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := index.DecodeFile(data)
		if err != nil {
			return
		}
		again, err := g.Encode()
		if err != nil {
			t.Fatalf("accepted index does not encode: %v", err)
		}
		if string(again) != string(data) {
			t.Fatalf("accepted index does not encode back to the same bytes")
		}
		for _, p := range g.Packs {
			_ = p.Size()
		}
	})
}
