package schema_test

import (
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/schema"
)

// portSchema is a resource body with every kind of attribute and one
// nested block of each nesting mode.
func portSchema() *schema.Block {
	return &schema.Block{
		Attributes: map[string]*schema.Attribute{
			"name":     {Type: cty.String, Required: true},
			"mode":     {Type: cty.String, Optional: true, Default: cty.StringVal("access"), Validate: schema.OneOf("access", "trunk")},
			"mtu":      {Type: cty.Number, Optional: true, Default: cty.NumberIntVal(1500), Validate: schema.IntBetween(576, 9216)},
			"id":       {Type: cty.String, Computed: true},
			"status":   {Type: cty.String, Optional: true, Computed: true},
			"password": {Type: cty.String, Optional: true, Sensitive: true},
			"token":    {Type: cty.String, Optional: true, WriteOnly: true},
		},
		BlockTypes: map[string]*schema.NestedBlock{
			"uplink": {Nesting: schema.NestingSingle, Block: schema.Block{Attributes: map[string]*schema.Attribute{
				"port":   {Type: cty.String, Required: true},
				"secret": {Type: cty.String, Optional: true, Sensitive: true},
			}}},
			"entries": {Nesting: schema.NestingList, MinItems: 1, MaxItems: 3, Block: schema.Block{Attributes: map[string]*schema.Attribute{
				"action": {Type: cty.String, Required: true, Validate: schema.OneOf("permit", "deny")},
				"seq":    {Type: cty.Number, Optional: true, Default: cty.NumberIntVal(10)},
				"key":    {Type: cty.String, Optional: true, WriteOnly: true},
			}}},
			"tags": {Nesting: schema.NestingSet, MaxItems: 2, Block: schema.Block{Attributes: map[string]*schema.Attribute{
				"value": {Type: cty.String, Required: true},
				"note":  {Type: cty.String, Optional: true, Sensitive: true},
			}}},
			"keep": {Nesting: schema.NestingMap, Block: schema.Block{Attributes: map[string]*schema.Attribute{
				"days":  {Type: cty.Number, Optional: true, Default: cty.NumberIntVal(7), Validate: schema.IntBetween(1, 365)},
				"label": {Type: cty.String, Optional: true, Sensitive: true},
			}}},
		},
	}
}

func parseBody(t *testing.T, src string) hcl.Body {
	t.Helper()
	f, diags := hclsyntax.ParseConfig([]byte(src), "port.st.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("parse: %s", diags.Error())
	}
	return f.Body
}

func decode(t *testing.T, b *schema.Block, src string) (cty.Value, hcl.Diagnostics) {
	t.Helper()
	return b.Decode(parseBody(t, src), nil)
}

func mustDecode(t *testing.T, b *schema.Block, src string) cty.Value {
	t.Helper()
	v, diags := decode(t, b, src)
	if diags.HasErrors() {
		t.Fatalf("decode: %s", diags.Error())
	}
	return v
}

// oneError returns the only error diagnostic, failing otherwise.
func oneError(t *testing.T, diags hcl.Diagnostics) *hcl.Diagnostic {
	t.Helper()
	var errs hcl.Diagnostics
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			errs = append(errs, d)
		}
	}
	if len(errs) != 1 {
		t.Fatalf("want exactly one error, got %d: %v", len(errs), diags)
	}
	return errs[0]
}

func unmarked(v cty.Value) cty.Value {
	u, _ := v.UnmarkDeep()
	return u
}

func TestDecodeAttributesAndDefaults(t *testing.T) {
	b := portSchema()
	v := mustDecode(t, b, `
name   = "ge-0/0/1"
status = "up"
entries {
  action = "permit"
}
entries {
  action = "deny"
  seq    = 20
}
`)
	if got := v.GetAttr("name"); !got.RawEquals(cty.StringVal("ge-0/0/1")) {
		t.Errorf("name = %#v", got)
	}
	// Unset optional attributes with a default take it.
	if got := v.GetAttr("mode"); !got.RawEquals(cty.StringVal("access")) {
		t.Errorf("mode default not applied: %#v", got)
	}
	if got := v.GetAttr("mtu"); !got.RawEquals(cty.NumberIntVal(1500)) {
		t.Errorf("mtu default not applied: %#v", got)
	}
	// Without a default they stay null.
	for _, name := range []string{"password", "token"} {
		if got := v.GetAttr(name); !got.IsNull() {
			t.Errorf("%s should be null, got %#v", name, got)
		}
	}
	if got := v.GetAttr("status"); !got.RawEquals(cty.StringVal("up")) {
		t.Errorf("optional+computed status = %#v", got)
	}
	// Defaults inside nested blocks apply per block, only where unset.
	entries := v.GetAttr("entries")
	if n := entries.LengthInt(); n != 2 {
		t.Fatalf("want 2 entries, got %d", n)
	}
	if got := entries.Index(cty.NumberIntVal(0)).GetAttr("seq"); !got.RawEquals(cty.NumberIntVal(10)) {
		t.Errorf("entries[0].seq default not applied: %#v", got)
	}
	if got := entries.Index(cty.NumberIntVal(1)).GetAttr("seq"); !got.RawEquals(cty.NumberIntVal(20)) {
		t.Errorf("entries[1].seq: the default overrode a set value: %#v", got)
	}
	// Absent blocks: a null object for single, empty collections otherwise.
	if got := v.GetAttr("uplink"); !got.IsNull() {
		t.Errorf("absent single block should be null, got %#v", got)
	}
	if got := v.GetAttr("tags"); got.IsNull() || got.LengthInt() != 0 {
		t.Errorf("absent set blocks should be an empty set, got %#v", got)
	}
	if got := v.GetAttr("keep"); got.IsNull() || got.LengthInt() != 0 {
		t.Errorf("absent map blocks should be an empty map, got %#v", got)
	}
	// The configuration value is the implied type without the attributes
	// only the provider sets.
	want := b.ImpliedType().AttributeTypes()
	delete(want, "id")
	if !v.Type().Equals(cty.Object(want)) {
		t.Errorf("decoded type %#v, want %#v", v.Type(), cty.Object(want))
	}
}

func TestDecodeSetValueOverridesDefault(t *testing.T) {
	v := mustDecode(t, portSchema(), `
name = "p"
mode = "trunk"
mtu  = 9000
entries { action = "deny" }
`)
	if got := v.GetAttr("mode"); !got.RawEquals(cty.StringVal("trunk")) {
		t.Errorf("mode = %#v, want the configured trunk", got)
	}
	if got := v.GetAttr("mtu"); !got.RawEquals(cty.NumberIntVal(9000)) {
		t.Errorf("mtu = %#v, want the configured 9000", got)
	}
}

func TestDecodeNestedBlocksEveryMode(t *testing.T) {
	v := mustDecode(t, portSchema(), `
name = "p"
uplink {
  port = "ge-0/0/48"
}
entries { action = "permit" }
tags { value = "a" }
tags { value = "b" }
keep "daily" {
  days = 30
}
keep "weekly" {}
`)
	if got := v.GetAttr("uplink").GetAttr("port"); !got.RawEquals(cty.StringVal("ge-0/0/48")) {
		t.Errorf("uplink.port = %#v", got)
	}
	tags := unmarked(v.GetAttr("tags"))
	if !tags.Type().IsSetType() || tags.LengthInt() != 2 {
		t.Fatalf("tags = %#v, want a set of 2", tags)
	}
	if !tags.HasElement(cty.ObjectVal(map[string]cty.Value{"value": cty.StringVal("b"), "note": cty.NullVal(cty.String)})).True() {
		t.Errorf("tags lacks b: %#v", tags)
	}
	keep := unmarked(v.GetAttr("keep"))
	if !keep.Type().IsMapType() {
		t.Fatalf("keep should be a map, got %#v", keep.Type())
	}
	if got := keep.Index(cty.StringVal("daily")).GetAttr("days"); !got.RawEquals(cty.NumberIntVal(30)) {
		t.Errorf(`keep["daily"].days = %#v`, got)
	}
	if got := keep.Index(cty.StringVal("weekly")).GetAttr("days"); !got.RawEquals(cty.NumberIntVal(7)) {
		t.Errorf(`keep["weekly"].days default not applied: %#v`, got)
	}
}

func TestDecodeBlockCounts(t *testing.T) {
	cases := []struct {
		name, src, summary string
	}{
		{"list below MinItems", `name = "p"`, "Insufficient entries blocks"},
		{"list above MaxItems", `
name = "p"
entries { action = "permit" }
entries { action = "permit" }
entries { action = "permit" }
entries { action = "deny" }
`, "Too many entries blocks"},
		{"set above MaxItems", `
name = "p"
entries { action = "permit" }
tags { value = "a" }
tags { value = "b" }
tags { value = "c" }
`, "Too many tags blocks"},
		{"single twice", `
name = "p"
entries { action = "permit" }
uplink { port = "a" }
uplink { port = "b" }
`, "Duplicate uplink block"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, diags := decode(t, portSchema(), c.src)
			d := oneError(t, diags)
			if d.Summary != c.summary {
				t.Errorf("summary = %q, want %q (%s)", d.Summary, c.summary, d.Detail)
			}
			if d.Subject == nil {
				t.Errorf("diagnostic has no subject")
			}
		})
	}

	// MaxItems exactly reached is fine.
	mustDecode(t, portSchema(), `
name = "p"
entries { action = "permit" }
entries { action = "permit" }
entries { action = "deny" }
tags { value = "a" }
tags { value = "b" }
`)

	// A single block with MinItems 1 is required.
	b := portSchema()
	b.BlockTypes["uplink"].MinItems = 1
	_, diags := decode(t, b, `
name = "p"
entries { action = "permit" }
`)
	if d := oneError(t, diags); !strings.Contains(d.Summary, "Missing uplink block") {
		t.Errorf("required single block: %s: %s", d.Summary, d.Detail)
	}
}

func TestDecodeMapBlockCounts(t *testing.T) {
	b := portSchema()
	b.BlockTypes["keep"].MinItems = 1
	b.BlockTypes["keep"].MaxItems = 2
	src := `
name = "p"
entries { action = "permit" }
%s
`
	if err := b.InternalValidate(); err != nil {
		return // rejecting the bounds where they cannot apply is fine too
	}
	_, diags := decode(t, b, strings.Replace(src, "%s", "", 1))
	okMin := diags.HasErrors()
	_, diags = decode(t, b, strings.Replace(src, "%s", `
keep "a" {}
keep "b" {}
keep "c" {}
`, 1))
	okMax := diags.HasErrors()
	if !okMin || !okMax {
		t.Fatalf("regression: schema/schema.go decoderSpec (NestingMap case) ignores MinItems/MaxItems, and InternalValidate does not reject them: no map blocks with MinItems=1 gave an error: %v; three with MaxItems=2 gave an error: %v", okMin, okMax)
	}
}

func TestDecodeValidatorsPointAtAttribute(t *testing.T) {
	src := `name = "p"
mode = "hybrid"
mtu  = 100000
entries { action = "permit" }
`
	_, diags := decode(t, portSchema(), src)
	if len(diags) != 2 {
		t.Fatalf("want two diagnostics, got %v", diags)
	}
	byLine := map[int]*hcl.Diagnostic{}
	for _, d := range diags {
		if d.Severity != hcl.DiagError || d.Summary != "Invalid value" {
			t.Errorf("unexpected diagnostic %s: %s", d.Summary, d.Detail)
		}
		if d.Subject == nil {
			t.Fatalf("no subject: %s", d.Detail)
		}
		if d.Subject.Filename != "port.st.hcl" {
			t.Errorf("subject in %q", d.Subject.Filename)
		}
		byLine[d.Subject.Start.Line] = d
	}
	if d := byLine[2]; d == nil || !strings.Contains(d.Detail, `mode`) || !strings.Contains(d.Detail, `"hybrid" is not one of "access" or "trunk"`) {
		t.Errorf("OneOf diagnostic missing or wrong on line 2: %v", diags)
	}
	if d := byLine[3]; d == nil || !strings.Contains(d.Detail, `mtu`) || !strings.Contains(d.Detail, "100000 is not a whole number from 576 to 9216") {
		t.Errorf("IntBetween diagnostic missing or wrong on line 3: %v", diags)
	}
}

func TestDecodeValidatorsInNestedBlocks(t *testing.T) {
	src := `name = "p"
entries {
  action = "permit"
}
entries {
  action = "permit"
}
entries {
  action = "drop"
}
keep "x" {
  days = 0
}
`
	_, diags := decode(t, portSchema(), src)
	if len(diags) != 2 {
		t.Fatalf("want two diagnostics, got %v", diags)
	}
	var entryDiag, keepDiag *hcl.Diagnostic
	for _, d := range diags {
		switch {
		case strings.Contains(d.Detail, "entries[2].action"):
			entryDiag = d
		case strings.Contains(d.Detail, `keep["x"].days`):
			keepDiag = d
		}
	}
	if entryDiag == nil || !strings.Contains(entryDiag.Detail, `"drop" is not one of "permit" or "deny"`) {
		t.Fatalf("no diagnostic naming entries[2].action: %v", diags)
	}
	if keepDiag == nil || !strings.Contains(keepDiag.Detail, "0 is not a whole number from 1 to 365") {
		t.Fatalf(`no diagnostic naming keep["x"].days: %v`, diags)
	}
	// SourceRange promises the attribute or, failing that, the enclosing
	// block: the third entries block spans lines 8-10, keep "x" 11-13.
	within := func(d *hcl.Diagnostic, from, to int) bool {
		return d.Subject != nil && d.Subject.Start.Line >= from && d.Subject.Start.Line <= to
	}
	if !within(entryDiag, 8, 10) || !within(keepDiag, 11, 13) {
		t.Fatalf("regression: schema/decode.go SourceRange falls back to content.Blocks[0].DefRange, the first block of the type, not the block the path indexes: entries[2].action points at line %d (want 8-10), keep[\"x\"].days at line %d (want 11-13)",
			entryDiag.Subject.Start.Line, keepDiag.Subject.Start.Line)
	}
}

func TestDecodeValidatorSkipsUnknownAndNull(t *testing.T) {
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{
		"var": cty.ObjectVal(map[string]cty.Value{"mode": cty.UnknownVal(cty.String)}),
	}}
	v, diags := portSchema().Decode(parseBody(t, `
name = "p"
mode = var.mode
entries { action = "permit" }
`), ctx)
	if diags.HasErrors() {
		t.Fatalf("an unknown value must not be validated yet: %v", diags)
	}
	if v.GetAttr("mode").IsKnown() {
		t.Errorf("mode should stay unknown, got %#v", v.GetAttr("mode"))
	}
}

func TestDecodeValidatorDoesNotRevealSecrets(t *testing.T) {
	b := &schema.Block{Attributes: map[string]*schema.Attribute{
		"community": {Type: cty.String, Required: true, Sensitive: true, Validate: schema.OneOf("public-ro", "private-rw")},
		"mode":      {Type: cty.String, Required: true, Validate: schema.OneOf("a", "b")},
	}}
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{
		"var": cty.ObjectVal(map[string]cty.Value{"m": cty.StringVal("hunter2-mode").Mark(schema.Sensitive)}),
	}}
	_, diags := b.Decode(parseBody(t, `
community = "hunter2-community"
mode      = var.m
`), ctx)
	if len(diags) != 2 {
		t.Fatalf("want two validation errors, got %v", diags)
	}
	var details []string
	for _, d := range diags {
		details = append(details, d.Detail)
	}
	if msg := strings.Join(details, " | "); strings.Contains(msg, "hunter2") {
		t.Fatalf("regression: schema/decode.go validateValues passes the unmarked value to Validate and puts its error text in the diagnostic, so the value of a Sensitive attribute (or of a sensitive variable) is printed in clear: %s", msg)
	}
}

func TestDecodeUnsupportedArgument(t *testing.T) {
	_, diags := decode(t, portSchema(), `name = "p"
mtuu = 1400
entries { action = "permit" }
`)
	d := oneError(t, diags)
	if d.Summary != "Unsupported argument" || !strings.Contains(d.Detail, `Did you mean "mtu"?`) {
		t.Errorf("got %s: %s", d.Summary, d.Detail)
	}
	if d.Subject == nil || d.Subject.Start.Line != 2 {
		t.Errorf("subject should be line 2: %v", d.Subject)
	}

	// Computed-only attributes cannot be set either.
	_, diags = decode(t, portSchema(), `name = "p"
id = "x"
entries { action = "permit" }
`)
	if d := oneError(t, diags); d.Summary != "Unsupported argument" || d.Subject.Start.Line != 2 {
		t.Errorf("setting a computed attribute: %s: %s at %v", d.Summary, d.Detail, d.Subject)
	}

	// Inside a nested block too.
	_, diags = decode(t, portSchema(), `name = "p"
entries {
  actoin = "permit"
}
`)
	var found bool
	for _, d := range diags {
		if d.Summary == "Unsupported argument" && strings.Contains(d.Detail, `Did you mean "action"?`) && d.Subject.Start.Line == 3 {
			found = true
		}
	}
	if !found {
		t.Errorf("nested unsupported argument not reported on line 3 with a suggestion: %v", diags)
	}
}

func TestDecodeMissingRequired(t *testing.T) {
	_, diags := decode(t, portSchema(), `entries { action = "permit" }`)
	d := oneError(t, diags)
	if d.Summary != "Missing required argument" || !strings.Contains(d.Detail, `"name"`) {
		t.Errorf("got %s: %s", d.Summary, d.Detail)
	}

	_, diags = decode(t, portSchema(), `name = "p"
entries {}
`)
	d = oneError(t, diags)
	if d.Summary != "Missing required argument" || !strings.Contains(d.Detail, `"action"`) {
		t.Errorf("nested: got %s: %s", d.Summary, d.Detail)
	}
}

func TestDecodeWrongType(t *testing.T) {
	_, diags := decode(t, portSchema(), `name = "p"
entries { action = "permit" }
mtu = "jumbo"
`)
	d := oneError(t, diags)
	if d.Summary != "Incorrect attribute value type" {
		t.Errorf("summary %q: %s", d.Summary, d.Detail)
	}
	if d.Subject == nil || d.Subject.Start.Line != 3 {
		t.Errorf("subject should be the mtu attribute on line 3: %v", d.Subject)
	}

	_, diags = decode(t, portSchema(), `name = "p"
entries {
  action = "permit"
  seq    = ["x"]
}
`)
	d = oneError(t, diags)
	if d.Subject == nil || d.Subject.Start.Line != 4 {
		t.Errorf("nested wrong type should point at line 4: %s %v", d.Summary, d.Subject)
	}
}

func TestDecodeMarksSensitiveAndWriteOnly(t *testing.T) {
	b := portSchema()
	v := mustDecode(t, b, `
name     = "p"
password = "pw"
token    = "tok"
uplink {
  port   = "x"
  secret = "up-secret"
}
entries {
  action = "permit"
  key    = "k1"
}
keep "d" {
  label = "lbl"
}
tags {
  value = "t"
  note  = "tag-secret"
}
`)
	if v.GetAttr("name").IsMarked() || v.GetAttr("mtu").IsMarked() {
		t.Errorf("non-sensitive attributes must not be marked")
	}
	for _, name := range []string{"password", "token"} {
		if !v.GetAttr(name).HasMark(schema.Sensitive) {
			t.Errorf("%s not marked sensitive", name)
		}
	}
	if !v.GetAttr("uplink").GetAttr("secret").HasMark(schema.Sensitive) {
		t.Errorf("uplink.secret not marked sensitive")
	}
	if v.GetAttr("uplink").GetAttr("port").IsMarked() {
		t.Errorf("uplink.port marked")
	}
	e0 := v.GetAttr("entries").Index(cty.NumberIntVal(0))
	if !e0.GetAttr("key").HasMark(schema.Sensitive) {
		t.Errorf("entries[0].key (write-only) not marked sensitive")
	}
	if e0.GetAttr("action").IsMarked() {
		t.Errorf("entries[0].action marked")
	}
	if !v.GetAttr("keep").Index(cty.StringVal("d")).GetAttr("label").HasMark(schema.Sensitive) {
		t.Errorf(`keep["d"].label not marked sensitive`)
	}
	// cty cannot mark set elements; the mark moves to the set.
	if tags := v.GetAttr("tags"); !tags.HasMark(schema.Sensitive) && !tags.ContainsMarked() {
		t.Errorf("tags holds a sensitive note but carries no mark: %#v", tags)
	}
	if !b.HasSensitive() || !b.HasWriteOnly() {
		t.Errorf("HasSensitive/HasWriteOnly should be true")
	}

	// StripWriteOnly nulls write-only values at any depth and keeps the rest.
	s := b.StripWriteOnly(v)
	if !s.GetAttr("token").IsNull() {
		t.Errorf("token not stripped: %#v", s.GetAttr("token"))
	}
	if k := s.GetAttr("entries").Index(cty.NumberIntVal(0)).GetAttr("key"); !k.IsNull() {
		t.Errorf("entries[0].key not stripped: %#v", k)
	}
	if pw, _ := s.GetAttr("password").Unmark(); !pw.RawEquals(cty.StringVal("pw")) {
		t.Errorf("password should be kept, got %#v", pw)
	}
	if !s.GetAttr("password").HasMark(schema.Sensitive) {
		t.Errorf("stripping lost the password's mark")
	}
	if a, _ := s.GetAttr("entries").Index(cty.NumberIntVal(0)).GetAttr("action").Unmark(); !a.RawEquals(cty.StringVal("permit")) {
		t.Errorf("entries[0].action changed: %#v", a)
	}
	if !s.Type().Equals(v.Type()) {
		t.Errorf("stripping changed the type")
	}
}

func TestHasSensitiveFalse(t *testing.T) {
	b := &schema.Block{
		Attributes: map[string]*schema.Attribute{"a": {Type: cty.String, Optional: true}},
		BlockTypes: map[string]*schema.NestedBlock{"n": {Nesting: schema.NestingList, Block: schema.Block{
			Attributes: map[string]*schema.Attribute{"b": {Type: cty.String, Optional: true}},
		}}},
	}
	if b.HasSensitive() || b.HasWriteOnly() {
		t.Errorf("schema without secrets reports some")
	}
	b.BlockTypes["n"].Attributes["b"].WriteOnly = true
	if !b.HasSensitive() || !b.HasWriteOnly() {
		t.Errorf("a nested write-only attribute is not found")
	}
}

func TestImpliedType(t *testing.T) {
	got := portSchema().ImpliedType()
	want := cty.Object(map[string]cty.Type{
		"name": cty.String, "mode": cty.String, "mtu": cty.Number, "id": cty.String,
		"status": cty.String, "password": cty.String, "token": cty.String,
		"uplink":  cty.Object(map[string]cty.Type{"port": cty.String, "secret": cty.String}),
		"entries": cty.List(cty.Object(map[string]cty.Type{"action": cty.String, "seq": cty.Number, "key": cty.String})),
		"tags":    cty.Set(cty.Object(map[string]cty.Type{"value": cty.String, "note": cty.String})),
		"keep":    cty.Map(cty.Object(map[string]cty.Type{"days": cty.Number, "label": cty.String})),
	})
	if !got.Equals(want) {
		t.Fatalf("implied type\n got %#v\nwant %#v", got, want)
	}
	if got := (&schema.Block{}).ImpliedType(); !got.Equals(cty.EmptyObject) {
		t.Errorf("empty block: %#v", got)
	}
}

func TestInternalValidate(t *testing.T) {
	if err := portSchema().InternalValidate(); err != nil {
		t.Fatalf("valid schema rejected: %v", err)
	}
	str := cty.String
	cases := []struct {
		name string
		b    *schema.Block
		want string
	}{
		{"no flags", &schema.Block{Attributes: map[string]*schema.Attribute{"a": {Type: str}}}, `"a"`},
		{"required and optional", &schema.Block{Attributes: map[string]*schema.Attribute{"a": {Type: str, Required: true, Optional: true}}}, `"a"`},
		{"required and computed", &schema.Block{Attributes: map[string]*schema.Attribute{"a": {Type: str, Required: true, Computed: true}}}, `"a"`},
		{"no type", &schema.Block{Attributes: map[string]*schema.Attribute{"a": {Optional: true}}}, "no type"},
		{"default on required", &schema.Block{Attributes: map[string]*schema.Attribute{"a": {Type: str, Required: true, Default: cty.StringVal("x")}}}, "default"},
		{"default on computed", &schema.Block{Attributes: map[string]*schema.Attribute{"a": {Type: str, Computed: true, Default: cty.StringVal("x")}}}, "default"},
		{"write-only computed", &schema.Block{Attributes: map[string]*schema.Attribute{"a": {Type: str, Optional: true, Computed: true, WriteOnly: true}}}, "write-only"},
		{"name clash", &schema.Block{
			Attributes: map[string]*schema.Attribute{"a": {Type: str, Optional: true}},
			BlockTypes: map[string]*schema.NestedBlock{"a": {Nesting: schema.NestingList}},
		}, "both an attribute and a block type"},
		{"nested", &schema.Block{BlockTypes: map[string]*schema.NestedBlock{"outer": {Nesting: schema.NestingList, Block: schema.Block{
			Attributes: map[string]*schema.Attribute{"bad": {Type: str}},
		}}}}, `block "outer": attribute "bad"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.b.InternalValidate()
			if err == nil {
				t.Fatalf("accepted")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q lacks %q", err, c.want)
			}
		})
	}
	// Optional+Computed is the one allowed combination.
	ok := &schema.Block{Attributes: map[string]*schema.Attribute{"a": {Type: str, Optional: true, Computed: true}}}
	if err := ok.InternalValidate(); err != nil {
		t.Errorf("optional+computed rejected: %v", err)
	}
}

func TestFormatPath(t *testing.T) {
	big1 := new(big.Float).SetInt64(1 << 62)
	cases := []struct {
		path cty.Path
		want string
	}{
		{nil, ""},
		{cty.GetAttrPath("name"), "name"},
		{cty.GetAttrPath("entries").IndexInt(2).GetAttr("action"), "entries[2].action"},
		{cty.GetAttrPath("keep").IndexString("x"), `keep["x"]`},
		{cty.GetAttrPath("keep").IndexString("x").GetAttr("days"), `keep["x"].days`},
		{cty.GetAttrPath("keep").IndexString(`a"b`), `keep["a\"b"]`},
		{cty.GetAttrPath("keep").GetAttr("daily"), "keep.daily"},
		{cty.GetAttrPath("l").Index(cty.UnknownVal(cty.Number)), "l[?]"},
		{cty.GetAttrPath("l").Index(cty.NumberVal(big1)), "l[4611686018427387904]"},
		{cty.IndexIntPath(0).GetAttr("x"), "[0].x"},
	}
	for _, c := range cases {
		if got := schema.FormatPath(c.path); got != c.want {
			t.Errorf("FormatPath(%#v) = %q, want %q", c.path, got, c.want)
		}
	}
}

func TestAttributeAt(t *testing.T) {
	b := portSchema()
	cases := []struct {
		path cty.Path
		want *schema.Attribute
	}{
		{cty.GetAttrPath("name"), b.Attributes["name"]},
		{cty.GetAttrPath("uplink").GetAttr("secret"), b.BlockTypes["uplink"].Attributes["secret"]},
		{cty.GetAttrPath("entries").IndexInt(2).GetAttr("action"), b.BlockTypes["entries"].Attributes["action"]},
		{cty.GetAttrPath("keep").IndexString("x").GetAttr("days"), b.BlockTypes["keep"].Attributes["days"]},
		{cty.GetAttrPath("tags").Index(cty.ObjectVal(map[string]cty.Value{"value": cty.StringVal("a"), "note": cty.NullVal(cty.String)})).GetAttr("value"), b.BlockTypes["tags"].Attributes["value"]},
		// Paths that lead to no attribute.
		{nil, nil},
		{cty.GetAttrPath("nope"), nil},
		{cty.GetAttrPath("entries"), nil},
		{cty.GetAttrPath("entries").IndexInt(0), nil},
		{cty.GetAttrPath("entries").IndexInt(0).GetAttr("nope"), nil},
		{cty.IndexIntPath(0), nil},
		{cty.GetAttrPath("uplink").GetAttr("nope"), nil},
	}
	for _, c := range cases {
		got := b.AttributeAt(c.path)
		if got != c.want {
			t.Errorf("AttributeAt(%s) = %p, want %p", schema.FormatPath(c.path), got, c.want)
		}
	}
}

func TestValidators(t *testing.T) {
	oneOf := schema.OneOf("a", "b", "c")
	if err := oneOf(cty.StringVal("b")); err != nil {
		t.Errorf("OneOf rejected b: %v", err)
	}
	if err := oneOf(cty.StringVal("z")); err == nil || err.Error() != `"z" is not one of "a", "b" or "c"` {
		t.Errorf("OneOf(z) = %v", err)
	}
	if err := schema.OneOf("only")(cty.StringVal("z")); err == nil || err.Error() != `"z" is not one of "only"` {
		t.Errorf("OneOf single = %v", err)
	}
	between := schema.IntBetween(1, 10)
	for _, ok := range []int64{1, 5, 10} {
		if err := between(cty.NumberIntVal(ok)); err != nil {
			t.Errorf("IntBetween rejected %d: %v", ok, err)
		}
	}
	for _, bad := range []cty.Value{cty.NumberIntVal(0), cty.NumberIntVal(11), cty.NumberFloatVal(2.5), cty.MustParseNumberVal("1e30"), cty.MustParseNumberVal("-1e30")} {
		if err := between(bad); err == nil {
			t.Errorf("IntBetween accepted %#v", bad)
		}
	}
	if err := between(cty.NumberFloatVal(2.5)); err == nil || err.Error() != "2.5 is not a whole number from 1 to 10" {
		t.Errorf("IntBetween(2.5) = %v", err)
	}
}

func TestTransformAttributesPaths(t *testing.T) {
	b := portSchema()
	v := mustDecode(t, b, `
name = "p"
uplink { port = "u" }
entries { action = "permit" }
entries { action = "deny" }
keep "k" {}
`)
	var seen []string
	b.TransformAttributes(v, func(p cty.Path, a *schema.Attribute, av cty.Value) cty.Value {
		if b.AttributeAt(p) != a {
			t.Errorf("path %s does not lead back to its attribute", schema.FormatPath(p))
		}
		seen = append(seen, schema.FormatPath(p))
		return av
	})
	joined := "," + strings.Join(seen, ",") + ","
	for _, want := range []string{"name", "uplink.port", "entries[0].action", "entries[1].seq", `keep["k"].days`} {
		if !strings.Contains(joined, ","+want+",") {
			t.Errorf("TransformAttributes did not visit %s: %v", want, seen)
		}
	}
	// Null and unknown values pass through unchanged.
	if got := b.ApplyDefaults(cty.NullVal(b.ImpliedType())); !got.IsNull() {
		t.Errorf("null became %#v", got)
	}
	if got := b.ApplyDefaults(cty.UnknownVal(b.ImpliedType())); got.IsKnown() {
		t.Errorf("unknown became %#v", got)
	}
}

func TestDecodeDynamicBlocks(t *testing.T) {
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{
		"hosts": cty.ListVal([]cty.Value{cty.StringVal("permit"), cty.StringVal("deny")}),
	}}
	v, diags := portSchema().Decode(parseBody(t, `
name = "p"
dynamic "entries" {
  for_each = hosts
  content {
    action = entries.value
  }
}
entries { action = "deny" }
`), ctx)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	entries := unmarked(v.GetAttr("entries"))
	var got []string
	for it := entries.ElementIterator(); it.Next(); {
		_, e := it.Element()
		got = append(got, e.GetAttr("action").AsString())
	}
	if want := "permit,deny,deny"; strings.Join(got, ",") != want {
		t.Errorf("entries = %q, want %s", got, want)
	}

	// An unknown for_each leaves the blocks unknown rather than failing.
	ctx.Variables["hosts"] = cty.UnknownVal(cty.List(cty.String))
	v, diags = portSchema().Decode(parseBody(t, `
name = "p"
dynamic "entries" {
  for_each = hosts
  content { action = entries.value }
}
`), ctx)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if v.GetAttr("entries").IsWhollyKnown() {
		t.Errorf("entries of an unknown for_each should be unknown: %#v", v.GetAttr("entries"))
	}

	// A dynamic block of a type the schema lacks is reported at its label.
	_, diags = portSchema().Decode(parseBody(t, `
name = "p"
dynamic "entry" {
  for_each = []
  content {}
}
`), ctx)
	if len(diags) == 0 || diags[0].Summary != "Unsupported block type" || diags[0].Subject == nil || diags[0].Subject.Start.Line != 3 {
		t.Fatalf("a dynamic block of an unknown type: %v", diags)
	}
}
