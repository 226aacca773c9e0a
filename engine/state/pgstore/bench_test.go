package pgstore

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stewardhq/steward/engine/state"
)

// benchState is a state of n resources, a few hundred bytes each.
func benchState(n int) *state.State {
	s := state.New()
	for i := range n {
		r := s.EnsureResource("", state.ModeManaged, "steward_data", fmt.Sprintf("r%05d", i), `provider["steward"]`)
		r.EnsureInstance(state.NoKey).Attributes = json.RawMessage(fmt.Sprintf(`{"id":"%032d","input":{"value":"switch port %d description","type":"string"}}`, i, i))
	}
	return s
}

// BenchmarkWrite measures one new version (check, insert, trim) of a
// state of 1,000 resources.
func BenchmarkWrite(b *testing.B) {
	ctx := context.Background()
	be, err := Open(Config{ConnString: pg.Database(b), Who: "bench@test"})
	if err != nil {
		b.Fatal(err)
	}
	defer be.Close()
	s := be.Store("default")
	st := benchState(1000)
	data, _ := state.Marshal(st)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := range b.N {
		st.Serial = uint64(i + 1)
		st.Outputs["n"] = &state.OutputValue{Value: json.RawMessage(fmt.Sprint(i)), Type: json.RawMessage(`"number"`)}
		if err := s.Write(ctx, st); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRead measures reading the latest version of the same state.
func BenchmarkRead(b *testing.B) {
	ctx := context.Background()
	be, err := Open(Config{ConnString: pg.Database(b)})
	if err != nil {
		b.Fatal(err)
	}
	defer be.Close()
	s := be.Store("default")
	st := benchState(1000)
	st.Serial = 1
	if err := s.Write(ctx, st); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := s.Read(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLockUnlock measures taking and releasing a run lock: a new
// connection, the advisory lock, the holder record, and closing.
func BenchmarkLockUnlock(b *testing.B) {
	ctx := context.Background()
	be, err := Open(Config{ConnString: pg.Database(b)})
	if err != nil {
		b.Fatal(err)
	}
	defer be.Close()
	s := be.Store("default")
	b.ResetTimer()
	for range b.N {
		u, err := s.Lock(ctx, state.LockInfo{Operation: "bench"}, 0)
		if err != nil {
			b.Fatal(err)
		}
		if err := u.Unlock(); err != nil {
			b.Fatal(err)
		}
	}
}
