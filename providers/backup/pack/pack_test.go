package pack_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"testing"

	"github.com/stewardhq/steward/providers/backup/blob"
	"github.com/stewardhq/steward/providers/backup/crypto"
	"github.com/stewardhq/steward/providers/backup/pack"
)

func newKey(t testing.TB) *crypto.Key {
	k, err := crypto.NewRandomKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func buildPack(t testing.TB, key *crypto.Key, n int) ([]byte, []pack.Entry, [][]byte) {
	w := pack.NewWriter(0)
	var plains [][]byte
	for i := range n {
		p := make([]byte, 100+i*37)
		rand.Read(p)
		plains = append(plains, p)
		typ := blob.Data
		if i%3 == 0 {
			typ = blob.Tree
		}
		w.AddSealed(key, typ, key.BlobID(p), p, 0)
	}
	entries := append([]pack.Entry(nil), w.Entries()...)
	return w.Finish(key), entries, plains
}

func TestRoundTrip(t *testing.T) {
	key := newKey(t)
	data, entries, plains := buildPack(t, key, 10)
	if int64(len(data)) != pack.Size(entries) {
		t.Fatalf("pack is %d bytes, Size says %d", len(data), pack.Size(entries))
	}
	got, err := pack.ReadHeader(key, bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range got {
		if e != entries[i] {
			t.Fatalf("entry %d: got %+v, want %+v", i, e, entries[i])
		}
		plain, err := key.Open(nil, data[e.Offset:e.Offset+e.Length])
		if err != nil || !bytes.Equal(plain, plains[i]) || e.PlaintextLength() != uint32(len(plains[i])) {
			t.Fatalf("blob %d does not open to its plaintext: %v", i, err)
		}
	}
}

func TestDamage(t *testing.T) {
	key := newKey(t)
	data, _, _ := buildPack(t, key, 4)
	cases := map[string][]byte{
		"truncated":       data[:len(data)-10],
		"header bit":      flip(data, len(data)-20),
		"length field":    flip(data, len(data)-1),
		"too short":       data[:10],
		"blobs cut short": data[50:],
	}
	for name, d := range cases {
		if _, err := pack.ReadHeader(key, bytes.NewReader(d), int64(len(d))); !errors.Is(err, pack.ErrDamaged) {
			t.Errorf("%s: got %v, want ErrDamaged", name, err)
		}
	}
	if _, err := pack.ReadHeader(newKey(t), bytes.NewReader(data), int64(len(data))); !errors.Is(err, pack.ErrDamaged) {
		t.Errorf("other key: got %v, want ErrDamaged", err)
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0x10
	return c
}

// FuzzDecodeHeader feeds arbitrary plaintext headers and pack sizes to the
// decoder: it must never panic, and whatever it accepts must tile the pack.
func FuzzDecodeHeader(f *testing.F) {
	key, _ := crypto.NewRandomKey()
	w := pack.NewWriter(0)
	w.AddSealed(key, blob.Data, blob.ID{1}, []byte("hello"), 0)
	w.AddSealed(key, blob.Tree, blob.ID{2}, []byte("{}"), 0)
	f.Add(pack.EncodeHeader(w.Entries()), pack.Size(w.Entries()))
	f.Add([]byte{}, int64(0))
	f.Add(bytes.Repeat([]byte{0xff}, pack.EntrySize), int64(1<<40))
	f.Fuzz(func(t *testing.T, header []byte, size int64) {
		entries, err := pack.DecodeHeader(header, size)
		if err != nil {
			return
		}
		if pack.Size(entries) != size {
			t.Fatalf("accepted header describes %d bytes, pack is %d", pack.Size(entries), size)
		}
	})
}

// FuzzReadHeader feeds arbitrary bytes as a whole pack: ReadHeader must
// return an error, never panic or over-allocate.
func FuzzReadHeader(f *testing.F) {
	key, _ := crypto.NewRandomKey()
	w := pack.NewWriter(0)
	w.AddSealed(key, blob.Data, blob.ID{1}, []byte("hello"), 0)
	f.Add(w.Finish(key))
	f.Add([]byte{0, 0, 0, 0})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = pack.ReadHeader(key, bytes.NewReader(data), int64(len(data)))
	})
}
