package state

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stewardhq/steward/schema"
	"github.com/zclconf/go-cty/cty"
)

var testKey = bytes.Repeat([]byte{0x42}, 32)

func sens(v cty.Value) cty.Value { return v.Mark(schema.Sensitive) }

// nestedType has sensitive-capable slots at every depth and in every kind of
// container.
var nestedType = cty.Object(map[string]cty.Type{
	"name":     cty.String,
	"password": cty.String,
	"nested": cty.Object(map[string]cty.Type{
		"tokens": cty.List(cty.String),
		"meta":   cty.Map(cty.String),
		"deep": cty.Object(map[string]cty.Type{
			"key":  cty.String,
			"port": cty.Number,
		}),
	}),
	"tags":    cty.Set(cty.String),
	"pair":    cty.Tuple([]cty.Type{cty.String, cty.Number}),
	"blocks":  cty.List(cty.Object(map[string]cty.Type{"user": cty.String, "pass": cty.String})),
	"dynamic": cty.DynamicPseudoType,
})

// nestedValue returns a value of nestedType whose secrets are all strings
// starting with "SECRET-", and the same value as it should decode: secrets
// replaced by marked nulls.
func nestedValue() (in, want cty.Value) {
	build := func(secret func(cty.Value) cty.Value, set cty.Value) cty.Value {
		return cty.ObjectVal(map[string]cty.Value{
			"name":     cty.StringVal("web"),
			"password": secret(cty.StringVal("SECRET-password")),
			"nested": cty.ObjectVal(map[string]cty.Value{
				"tokens": cty.ListVal([]cty.Value{
					cty.StringVal("public-token"),
					secret(cty.StringVal("SECRET-token")),
				}),
				"meta": cty.MapVal(map[string]cty.Value{
					"owner":  cty.StringVal("ops"),
					"apikey": secret(cty.StringVal("SECRET-apikey")),
				}),
				"deep": cty.ObjectVal(map[string]cty.Value{
					"key":  secret(cty.StringVal("SECRET-deep")),
					"port": cty.NumberIntVal(8443),
				}),
			}),
			"tags": set,
			"pair": cty.TupleVal([]cty.Value{secret(cty.StringVal("SECRET-pair")), cty.NumberIntVal(7)}),
			"blocks": cty.ListVal([]cty.Value{
				cty.ObjectVal(map[string]cty.Value{"user": cty.StringVal("alice"), "pass": secret(cty.StringVal("SECRET-alice"))}),
				cty.ObjectVal(map[string]cty.Value{"user": cty.StringVal("bob"), "pass": cty.StringVal("not-secret")}),
			}),
			"dynamic": cty.ObjectVal(map[string]cty.Value{
				"inner": secret(cty.StringVal("SECRET-dynamic")),
				"plain": cty.True,
			}),
		})
	}
	in = build(sens, cty.SetVal([]cty.Value{cty.StringVal("a"), sens(cty.StringVal("SECRET-tag"))}))
	want = build(func(v cty.Value) cty.Value { return sens(cty.NullVal(v.Type())) },
		sens(cty.NullVal(cty.Set(cty.String))))
	return in, want
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	in, want := nestedValue()
	js, sa, err := EncodeValue(in, nestedType, testKey)
	if err != nil {
		t.Fatalf("EncodeValue: %v", err)
	}
	if bytes.Contains(js, []byte("SECRET")) {
		t.Fatalf("encoded JSON contains a secret: %s", js)
	}
	for _, s := range sa {
		if strings.Contains(s.Hash, "SECRET") || strings.Contains(s.Path.String(), "SECRET") {
			t.Fatalf("sensitive record leaks a secret: %+v", s)
		}
	}
	for _, keep := range []string{"web", "public-token", "ops", "8443", "alice", "not-secret"} {
		if !bytes.Contains(js, []byte(keep)) {
			t.Errorf("encoded JSON lost non-sensitive %q: %s", keep, js)
		}
	}

	var paths []string
	for _, s := range sa {
		paths = append(paths, s.Path.String())
	}
	wantPaths := []string{
		".blocks[0].pass",
		".dynamic.inner",
		".nested.deep.key",
		`.nested.meta.apikey`,
		".nested.tokens[1]",
		".pair[0]",
		".password",
		".tags",
	}
	if strings.Join(paths, " ") != strings.Join(wantPaths, " ") {
		t.Fatalf("sensitive paths\n got %q\nwant %q", paths, wantPaths)
	}

	// Each hash must be the keyed hash of exactly the withheld value, or a
	// planner comparing configuration against it would see false changes.
	secrets := map[string]cty.Value{
		".password":           cty.StringVal("SECRET-password"),
		".nested.tokens[1]":   cty.StringVal("SECRET-token"),
		".nested.deep.key":    cty.StringVal("SECRET-deep"),
		".tags":               cty.SetVal([]cty.Value{cty.StringVal("a"), cty.StringVal("SECRET-tag")}),
		".dynamic.inner":      cty.StringVal("SECRET-dynamic"),
		".blocks[0].pass":     cty.StringVal("SECRET-alice"),
		".pair[0]":            cty.StringVal("SECRET-pair"),
		".nested.meta.apikey": cty.StringVal("SECRET-apikey"),
	}
	for _, s := range sa {
		h, err := HashValue(testKey, secrets[s.Path.String()])
		if err != nil {
			t.Fatal(err)
		}
		if s.Hash != h {
			t.Errorf("hash for %s = %s, want %s", s.Path, s.Hash, h)
		}
	}

	got, err := DecodeValue(js, nestedType, sa)
	if err != nil {
		t.Fatalf("DecodeValue: %v", err)
	}
	gotRaw, gotMarks := got.UnmarkDeepWithPaths()
	wantRaw, wantMarks := want.UnmarkDeepWithPaths()
	if !gotRaw.RawEquals(wantRaw) {
		t.Errorf("decoded value\n got %#v\nwant %#v", gotRaw, wantRaw)
	}
	if len(gotMarks) != len(wantMarks) {
		t.Fatalf("decoded %d marked paths, want %d", len(gotMarks), len(wantMarks))
	}
	for i := range gotMarks {
		if !gotMarks[i].Path.Equals(wantMarks[i].Path) || !gotMarks[i].Marks.Has(schema.Sensitive) {
			t.Errorf("mark %d: got %#v, want %#v", i, gotMarks[i], wantMarks[i])
		}
	}

	// Encoding the decoded value again must give the same JSON; only the
	// hashes differ, because the secrets are no longer known.
	js2, sa2, err := EncodeValue(got, nestedType, testKey)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(js, js2) || len(sa2) != len(sa) {
		t.Errorf("re-encoding changed the value:\n%s\n%s", js, js2)
	}
}

func TestEncodeWholeValueSensitive(t *testing.T) {
	ty := cty.Object(map[string]cty.Type{"a": cty.String})
	v := sens(cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("SECRET-whole")}))
	js, sa, err := EncodeValue(v, ty, testKey)
	if err != nil {
		t.Fatal(err)
	}
	if string(js) != "null" || len(sa) != 1 || len(sa[0].Path) != 0 {
		t.Fatalf("got %s %+v", js, sa)
	}
	got, err := DecodeValue(js, ty, sa)
	if err != nil {
		t.Fatal(err)
	}
	if !got.IsNull() || !got.HasMark(schema.Sensitive) {
		t.Fatalf("got %#v, want a marked null", got)
	}
}

func TestEncodeKeepsOnlyOutermostSensitivePath(t *testing.T) {
	ty := cty.Object(map[string]cty.Type{"o": cty.Object(map[string]cty.Type{"a": cty.String})})
	v := cty.ObjectVal(map[string]cty.Value{
		"o": sens(cty.ObjectVal(map[string]cty.Value{"a": sens(cty.StringVal("SECRET"))})),
	})
	js, sa, err := EncodeValue(v, ty, testKey)
	if err != nil {
		t.Fatal(err)
	}
	if len(sa) != 1 || sa[0].Path.String() != ".o" {
		t.Fatalf("got %+v, want only .o", sa)
	}
	if bytes.Contains(js, []byte("SECRET")) {
		t.Fatalf("secret in %s", js)
	}
}

type otherMark string

func TestEncodeDropsOtherMarks(t *testing.T) {
	v := cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("x").Mark(otherMark("provenance"))})
	js, sa, err := EncodeValue(v, v.Type(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(js) != `{"a":"x"}` || sa != nil {
		t.Fatalf("got %s %+v", js, sa)
	}
}

func TestEncodeErrors(t *testing.T) {
	ty := cty.Object(map[string]cty.Type{"a": cty.String, "l": cty.List(cty.String)})
	tests := map[string]struct {
		v    cty.Value
		ty   cty.Type
		key  []byte
		want string
	}{
		"unknown attribute": {
			v:    cty.ObjectVal(map[string]cty.Value{"a": cty.UnknownVal(cty.String), "l": cty.ListValEmpty(cty.String)}),
			ty:   ty,
			key:  testKey,
			want: `unknown part at ".a"`,
		},
		"unknown list element": {
			v:    cty.ObjectVal(map[string]cty.Value{"a": sens(cty.StringVal("SECRET")), "l": cty.ListVal([]cty.Value{cty.StringVal("x"), cty.UnknownVal(cty.String)})}),
			ty:   ty,
			key:  testKey,
			want: `unknown part at ".l[1]"`,
		},
		"unknown in set": {
			v:    cty.SetVal([]cty.Value{cty.StringVal("SECRET"), cty.UnknownVal(cty.String)}),
			ty:   cty.Set(cty.String),
			key:  testKey,
			want: "unknown part",
		},
		"wholly unknown": {
			v:    cty.UnknownVal(ty),
			ty:   ty,
			key:  testKey,
			want: "unknown part at the whole value",
		},
		"wrong type": {
			v:    cty.StringVal("x"),
			ty:   ty,
			key:  testKey,
			want: "does not conform",
		},
		"sensitive without key": {
			v:    cty.ObjectVal(map[string]cty.Value{"a": sens(cty.StringVal("SECRET")), "l": cty.ListValEmpty(cty.String)}),
			ty:   ty,
			want: "no hash key",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, _, err := EncodeValue(tc.v, tc.ty, tc.key)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "SECRET") {
				t.Fatalf("error leaks the secret: %v", err)
			}
		})
	}
}

func TestDecodeRejectsBadSensitivePaths(t *testing.T) {
	ty := cty.Object(map[string]cty.Type{
		"a": cty.String,
		"l": cty.List(cty.String),
		"m": cty.Map(cty.String),
		"o": cty.Object(map[string]cty.Type{"x": cty.String}),
	})
	raw := []byte(`{"a":"x","l":["p"],"m":{"k":"v"},"o":null}`)
	hash := HashPrefix + strings.Repeat("0", 64)
	for name, p := range map[string]AttributePath{
		"missing attribute": {NameStep("nope")},
		"index past end":    {NameStep("l"), IndexStep(1)},
		"missing map key":   {NameStep("m"), NameStep("absent")},
		"name into list":    {NameStep("l"), NameStep("x")},
		"index into object": {IndexStep(0)},
		"through null":      {NameStep("o"), NameStep("x")},
		"into primitive":    {NameStep("a"), IndexStep(0)},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := DecodeValue(raw, ty, []SensitiveAttribute{{Path: p, Hash: hash}})
			if err == nil {
				t.Fatal("want an error")
			}
		})
	}
	if _, err := DecodeValue([]byte(`{"a":1`), ty, nil); err == nil {
		t.Fatal("want an error for truncated JSON")
	}
	v, err := DecodeValue(nil, ty, nil)
	if err != nil || !v.IsNull() {
		t.Fatalf("empty attributes: got %#v, %v; want null", v, err)
	}
}

func TestHashValue(t *testing.T) {
	v := cty.StringVal("hunter2")
	h1, err := HashValue(testKey, v)
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := HashValue(testKey, v)
	if h1 != h2 {
		t.Fatalf("unstable: %s vs %s", h1, h2)
	}
	mac := hmac.New(sha256.New, testKey)
	mac.Write([]byte(`"hunter2"`))
	if want := "hmac-sha256:" + hex.EncodeToString(mac.Sum(nil)); h1 != want {
		t.Fatalf("got %s, want %s", h1, want)
	}
	if !validHash(h1) {
		t.Fatalf("%s is not a valid hash", h1)
	}

	if hm, _ := HashValue(testKey, sens(v)); hm != h1 {
		t.Errorf("marking changed the hash: %s vs %s", hm, h1)
	}
	otherKey := bytes.Repeat([]byte{0x43}, 32)
	if ho, _ := HashValue(otherKey, v); ho == h1 {
		t.Error("hash does not depend on the key")
	}
	if hv, _ := HashValue(testKey, cty.StringVal("hunter3")); hv == h1 {
		t.Error("hash does not depend on the value")
	}

	// Object attribute and map key order must not matter: the planner
	// builds its value independently of the provider.
	a := cty.ObjectVal(map[string]cty.Value{"x": cty.NumberIntVal(1), "y": cty.MapVal(map[string]cty.Value{"p": cty.True, "q": cty.False})})
	b := cty.ObjectVal(map[string]cty.Value{"y": cty.MapVal(map[string]cty.Value{"q": cty.False, "p": cty.True}), "x": cty.NumberIntVal(1)})
	ha, _ := HashValue(testKey, a)
	hb, _ := HashValue(testKey, b)
	if ha != hb {
		t.Error("hash depends on construction order")
	}

	if _, err := HashValue(testKey, cty.UnknownVal(cty.String)); err == nil {
		t.Error("unknown value hashed")
	}
	if _, err := HashValue(nil, v); err == nil {
		t.Error("hashed without a key")
	}
}

func TestEncodeOutput(t *testing.T) {
	o, err := EncodeOutput(cty.StringVal("SECRET-out"), true, testKey)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(o.Value, []byte("SECRET")) || !o.Sensitive || !validHash(o.Hash) {
		t.Fatalf("sensitive output stored badly: %+v", o)
	}
	want, _ := HashValue(testKey, cty.StringVal("SECRET-out"))
	if o.Hash != want {
		t.Errorf("hash %s, want %s", o.Hash, want)
	}
	v, err := o.Decode()
	if err != nil {
		t.Fatal(err)
	}
	if !v.IsNull() || !v.HasMark(schema.Sensitive) || v.Type() != cty.String {
		t.Fatalf("got %#v", v)
	}

	// A value with a sensitive part is withheld whole even if the output
	// was not declared sensitive.
	mixed := cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("x"), "b": sens(cty.StringVal("SECRET-part"))})
	o, err = EncodeOutput(mixed, false, testKey)
	if err != nil {
		t.Fatal(err)
	}
	if !o.Sensitive || bytes.Contains(o.Value, []byte("SECRET")) {
		t.Fatalf("got %+v", o)
	}

	plain := cty.ListVal([]cty.Value{cty.NumberIntVal(1), cty.NumberIntVal(2)})
	o, err = EncodeOutput(plain, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	v, err = o.Decode()
	if err != nil || !v.RawEquals(plain) {
		t.Fatalf("got %#v, %v", v, err)
	}

	if _, err := EncodeOutput(cty.UnknownVal(cty.String), false, testKey); err == nil {
		t.Error("unknown output encoded")
	}
}

func TestAttributePathString(t *testing.T) {
	p := AttributePath{NameStep("a"), IndexStep(2), NameStep("with space"), NameStep("b-c")}
	if got, want := p.String(), `.a[2]["with space"].b-c`; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}
