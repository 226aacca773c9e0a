package state

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestLoadOrCreateKeyFile(t *testing.T) {
	t.Setenv(KeyEnv, "")
	os.Unsetenv(KeyEnv)
	dir := t.TempDir()

	key, err := LoadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(key) != 32 {
		t.Fatalf("key has %d bytes", len(key))
	}
	path := filepath.Join(dir, ".steward", "state.key")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	di, _ := os.Stat(filepath.Dir(path))
	if di.Mode().Perm() != 0o700 {
		t.Errorf("key dir mode %v, want 0700", di.Mode().Perm())
	}
	again, err := LoadOrCreateKey(dir)
	if err != nil || !bytes.Equal(again, key) {
		t.Fatalf("second load gave a different key (%v)", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left: %d entries", len(entries))
	}
	if other, _ := LoadOrCreateKey(t.TempDir()); bytes.Equal(other, key) {
		t.Error("two projects got the same key")
	}

	if err := os.WriteFile(path, key[:10], 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateKey(dir); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("truncated key accepted or not named: %v", err)
	}
}

func TestLoadOrCreateKeyConcurrentFirstUse(t *testing.T) {
	t.Setenv(KeyEnv, "")
	os.Unsetenv(KeyEnv)
	dir := t.TempDir()
	keys := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Go(func() {
			k, err := LoadOrCreateKey(dir)
			if err != nil {
				t.Error(err)
			}
			keys[i] = k
		})
	}
	wg.Wait()
	for _, k := range keys[1:] {
		if !bytes.Equal(k, keys[0]) {
			t.Fatal("concurrent first use produced different keys")
		}
	}
}

func TestLoadOrCreateKeyFromEnv(t *testing.T) {
	want := bytes.Repeat([]byte{0xab}, 32)
	t.Setenv(KeyEnv, " "+hex.EncodeToString(want)+"\n")
	dir := t.TempDir()
	key, err := LoadOrCreateKey(dir)
	if err != nil || !bytes.Equal(key, want) {
		t.Fatalf("got %x, %v", key, err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".steward")); !os.IsNotExist(err) {
		t.Error("key file created although the environment supplied the key")
	}

	for _, bad := range []string{"zz", "abcd", ""} {
		t.Setenv(KeyEnv, bad)
		if _, err := LoadOrCreateKey(dir); err == nil || !strings.Contains(err.Error(), KeyEnv) {
			t.Errorf("%q: want an error naming %s, got %v", bad, KeyEnv, err)
		}
	}
}
