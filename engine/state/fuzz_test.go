package state

import (
	"testing"
)

// FuzzRead feeds arbitrary bytes to the state file decoder. It must never
// panic, and whatever it accepts must survive a Marshal/Unmarshal round
// trip unchanged, or a later write could silently alter a state.
func FuzzRead(f *testing.F) {
	valid, err := Marshal(sampleState(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	f.Add(valid[:len(valid)/3])
	f.Add([]byte(`{"version":1,"lineage":"l","serial":1,"steward_version":"","resources":[],"outputs":{}}`))
	f.Add([]byte(`{"version":1,"lineage":"l","resources":[{"mode":"managed","type":"t","name":"n","provider":"p","instances":[{"key":"a","attributes":{"x":null},"sensitive":[{"path":["x",0],"hash":"hmac-sha256:0000000000000000000000000000000000000000000000000000000000000000"}]}]}]}`))
	f.Add([]byte(`{"version":1,"lineage":"l","outputs":{"o":{"value":[1,"a"],"type":["tuple",["number","string"]]}}}`))
	f.Add([]byte(`{"version":2}`))
	f.Add([]byte(`{"version":1,"lineage":"l"}{}`))
	f.Add([]byte(``))
	f.Add([]byte(`null`))

	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := Unmarshal(data)
		if err != nil {
			if st != nil {
				t.Fatal("returned a state with an error")
			}
			return
		}
		out, err := Marshal(st)
		if err != nil {
			t.Fatalf("accepted a state it cannot write: %v", err)
		}
		back, err := Unmarshal(out)
		if err != nil {
			t.Fatalf("cannot read what it wrote: %v\n%s", err, out)
		}
		if !back.Equal(st) || back.Serial != st.Serial || back.StewardVersion != st.StewardVersion {
			t.Fatalf("round trip changed the state:\n%s", out)
		}
	})
}
