package docgen

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/providers/backup"
	"github.com/stewardhq/steward/providers/builtin"
	"github.com/stewardhq/steward/providers/directory"
	"github.com/stewardhq/steward/providers/network"
	"github.com/stewardhq/steward/schema"
)

var update = flag.Bool("update", false, "rewrite the generated reference in each provider's README.md")

// documented lists the providers whose README.md carries a generated
// reference: directory under providers/, provider name, constructor.
var documented = []struct {
	dir, name string
	new       func() (providers.Provider, error)
}{
	{"builtin", builtin.Name, builtin.New},
	{"network", "network", network.New},
	{"directory", "directory", directory.New},
	{"backup", backup.Name, backup.New},
}

// TestReadmesUpToDate regenerates each provider's reference from its schema
// and fails when the README.md differs; with -update it rewrites them.
func TestReadmesUpToDate(t *testing.T) {
	for _, d := range documented {
		t.Run(d.dir, func(t *testing.T) {
			p, err := d.new()
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("..", "..", "providers", d.dir, "README.md")
			old, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want, err := Splice(string(old), ProviderReference(d.name, p.Schema()))
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if want == string(old) {
				return
			}
			if *update {
				if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			t.Errorf("%s is out of date with the provider's schema; run go test ./internal/docgen -update", path)
		})
	}
}

func TestTypeName(t *testing.T) {
	for _, c := range []struct {
		ty   cty.Type
		want string
	}{
		{cty.String, "string"},
		{cty.Number, "number"},
		{cty.Bool, "bool"},
		{cty.DynamicPseudoType, "any"},
		{cty.Set(cty.Number), "set of number"},
		{cty.List(cty.EmptyObject), "list of object"},
		{cty.Map(cty.List(cty.String)), "map of list of string"},
		{cty.Tuple([]cty.Type{cty.String}), "tuple"},
		{cty.Object(map[string]cty.Type{}), "object"},
	} {
		if got := TypeName(c.ty); got != c.want {
			t.Errorf("TypeName(%#v) = %q, want %q", c.ty, got, c.want)
		}
	}
}

func TestProviderReference(t *testing.T) {
	s := &schema.Provider{
		Config: &schema.Block{Attributes: map[string]*schema.Attribute{
			"token": {Type: cty.String, Required: true, Sensitive: true, Description: "a | b"},
		}},
		Resources: map[string]*schema.Resource{
			"x_thing": {Block: schema.Block{
				Description: "A thing.",
				Attributes: map[string]*schema.Attribute{
					"name":   {Type: cty.String, Required: true, ForceNew: true},
					"secret": {Type: cty.String, Optional: true, WriteOnly: true},
					"port":   {Type: cty.Number, Optional: true, Default: cty.NumberIntVal(22)},
					"id":     {Type: cty.String, Computed: true},
				},
				BlockTypes: map[string]*schema.NestedBlock{
					"rule": {Nesting: schema.NestingList, MaxItems: 3, Block: schema.Block{
						Attributes: map[string]*schema.Attribute{"to": {Type: cty.String, Optional: true, Default: cty.StringVal("any")}},
					}},
				},
			}},
		},
	}
	got := ProviderReference("x", s)
	for _, want := range []string{
		"| `token` | string | Required | sensitive | a \\| b |",
		"### Resource `x_thing`\n\nA thing.",
		"| `name` | string | Required | forces replacement |  |",
		"| `secret` | string | Optional | write-only |  |",
		"| `port` | number | Optional | default `22` |  |",
		"| `id` | string | Computed |  |  |",
		"#### Block `rule`\n\nAt most 3 blocks, in a list.",
		"| `to` | string | Optional | default `\"any\"` |  |",
		"This provider has no data sources.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("reference lacks %q:\n%s", want, got)
		}
	}
}

func TestSplice(t *testing.T) {
	in := "intro\n\n" + BeginMarker + "\nstale\n" + EndMarker + "\ntail\n"
	got, err := Splice(in, "fresh\n")
	if err != nil {
		t.Fatal(err)
	}
	want := "intro\n\n" + BeginMarker + "\n\nfresh\n\n" + EndMarker + "\ntail\n"
	if got != want {
		t.Errorf("Splice = %q, want %q", got, want)
	}
	if again, _ := Splice(got, "fresh"); again != got {
		t.Errorf("Splice is not idempotent: %q", again)
	}
	if _, err := Splice("no markers", "x"); err == nil {
		t.Error("Splice accepted a README without markers")
	}
}
