package checker_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"testing"

	"github.com/stewardhq/steward/providers/backup/checker"
	"github.com/stewardhq/steward/providers/backup/internal/backuptest"
	"github.com/stewardhq/steward/providers/backup/repository"
)

// BenchmarkCheckReadData measures check --read-data over 64 MiB of mixed
// data (half random, half text) in the tests' 512 KiB packs: read, hash, decrypt,
// decompress and re-hash everything.
func BenchmarkCheckReadData(b *testing.B) {
	ctx := context.Background()
	r, mb := repository.TestRepository(b)
	files := map[string][]byte{}
	for i := range 8 {
		data := make([]byte, 4<<20)
		rand.Read(data)
		files[fmt.Sprintf("random/%d.bin", i)] = data
		files[fmt.Sprintf("text/%d.txt", i)] = bytes.Repeat([]byte(fmt.Sprintf("interface Gi0/%d\n description desk %d\n switchport access vlan %d\n", i, i*7, 10+i)), (4<<20)/60)
	}
	backuptest.Backup(b, r, files)
	r2 := repository.TestReopen(b, mb)
	b.SetBytes(64 << 20)
	b.ResetTimer()
	for b.Loop() {
		rep, err := checker.Check(ctx, r2, checker.Options{ReadData: true})
		if err != nil || !rep.OK() {
			b.Fatalf("check: %v %v", err, rep.Problems)
		}
	}
}
