package crypto_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stewardhq/steward/providers/backup/crypto"
)

func TestSealOpen(t *testing.T) {
	k, err := crypto.NewRandomKey()
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("the quick brown fox")
	sealed := k.Seal([]byte("prefix"), msg)
	if !bytes.HasPrefix(sealed, []byte("prefix")) || len(sealed) != 6+len(msg)+crypto.Overhead {
		t.Fatalf("sealed length %d", len(sealed))
	}
	sealed = sealed[6:]
	if bytes.Contains(sealed, msg) {
		t.Fatal("plaintext visible in sealed data")
	}
	got, err := k.Open(nil, sealed)
	if err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("open: %q %v", got, err)
	}
	in := bytes.Clone(sealed)
	got, err = k.Open(in[crypto.NonceSize:crypto.NonceSize], in)
	if err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("open in place: %q %v", got, err)
	}
	for i := range sealed {
		bad := bytes.Clone(sealed)
		bad[i] ^= 1
		if _, err := k.Open(nil, bad); !errors.Is(err, crypto.ErrUnauthenticated) {
			t.Fatalf("flipped byte %d: got %v", i, err)
		}
	}
	other, _ := crypto.NewRandomKey()
	if _, err := other.Open(nil, sealed); !errors.Is(err, crypto.ErrUnauthenticated) {
		t.Fatal("another key opened the data")
	}
	if _, err := k.Open(nil, sealed[:5]); !errors.Is(err, crypto.ErrUnauthenticated) {
		t.Fatal("short input accepted")
	}
}

func TestBlobIDAndKeyRoundTrip(t *testing.T) {
	k, _ := crypto.NewRandomKey()
	other, _ := crypto.NewRandomKey()
	a := []byte("same content")
	if k.BlobID(a) != k.BlobID(bytes.Clone(a)) {
		t.Fatal("ids of equal content differ")
	}
	if k.BlobID(a) == other.BlobID(a) {
		t.Fatal("ids do not depend on the key")
	}
	raw, err := k.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	k2, err := crypto.UnmarshalKey(raw)
	if err != nil || k2.BlobID(a) != k.BlobID(a) {
		t.Fatalf("key round trip: %v", err)
	}
	if _, err := k2.Open(nil, k.Seal(nil, a)); err != nil {
		t.Fatal(err)
	}
}

func TestDeriveKey(t *testing.T) {
	p, err := crypto.MinimalKDFParams().WithNewSalt()
	if err != nil {
		t.Fatal(err)
	}
	k1, err := crypto.DeriveKey([]byte("pw"), p)
	if err != nil {
		t.Fatal(err)
	}
	k2, _ := crypto.DeriveKey([]byte("pw"), p)
	k3, _ := crypto.DeriveKey([]byte("pW"), p)
	sealed := k1.Seal(nil, []byte("master"))
	if _, err := k2.Open(nil, sealed); err != nil {
		t.Fatal("same password and salt derive a different key")
	}
	if _, err := k3.Open(nil, sealed); err == nil {
		t.Fatal("another password derives the same key")
	}
	hostile := p
	hostile.MemoryKiB = 1 << 30
	if _, err := crypto.DeriveKey([]byte("pw"), hostile); err == nil {
		t.Fatal("absurd KDF memory accepted")
	}
}
