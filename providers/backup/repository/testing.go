package repository

import (
	"context"
	"testing"

	"github.com/stewardhq/steward/providers/backup/backend"
	"github.com/stewardhq/steward/providers/backup/backend/mem"
	"github.com/stewardhq/steward/providers/backup/crypto"
)

// TestPassword is the password TestRepository uses.
var TestPassword = []byte("correct horse battery staple")

// TestInitOptions are fast options for tests: minimal KDF costs (never use
// them for real repositories) and the smallest pack size.
func TestInitOptions() InitOptions {
	kdf := crypto.MinimalKDFParams()
	return InitOptions{KDF: &kdf, PackSize: MinPackSize}
}

// TestOpenOptions match TestInitOptions for Open.
func TestOpenOptions() OpenOptions {
	kdf := crypto.MinimalKDFParams()
	return OpenOptions{KDF: &kdf}
}

// TestRepository initialises a repository in memory with TestPassword and
// TestInitOptions, closed when the test ends.
func TestRepository(t testing.TB) (*Repository, *mem.Backend) {
	t.Helper()
	be := mem.New()
	r := TestRepositoryAt(t, be)
	return r, be
}

// TestRepositoryAt initialises a repository at be as TestRepository does.
func TestRepositoryAt(t testing.TB, be backend.Backend) *Repository {
	t.Helper()
	r, err := Init(context.Background(), be, TestPassword, TestInitOptions())
	if err != nil {
		t.Fatalf("init test repository: %v", err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// TestReopen opens the repository at be again with TestPassword, closed
// when the test ends.
func TestReopen(t testing.TB, be backend.Backend) *Repository {
	t.Helper()
	r, err := Open(context.Background(), be, TestPassword, TestOpenOptions())
	if err != nil {
		t.Fatalf("reopen test repository: %v", err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}
