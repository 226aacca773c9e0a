package crypto_test

import (
	"testing"

	"github.com/stewardhq/steward/providers/backup/crypto"
)

func BenchmarkDefaultKDF(b *testing.B) {
	p, _ := crypto.DefaultKDFParams().WithNewSalt()
	for b.Loop() {
		crypto.DeriveKey([]byte("pw"), p)
	}
}
