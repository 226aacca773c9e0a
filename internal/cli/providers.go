package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/stewardhq/steward/internal/ui"
	"github.com/stewardhq/steward/schema"
)

// NewCmdProviders builds `steward providers` and its subcommands.
func NewCmdProviders(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "providers <subcommand>",
		Short: "Inspect providers and lock provider plugins",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(NewCmdProvidersSchema(f, nil), NewCmdProvidersLock(f, nil))
	return cmd
}

// ProvidersSchemaOptions are the inputs of `steward providers schema`.
type ProvidersSchemaOptions struct {
	JSON bool

	f *Factory
}

// NewCmdProvidersSchema builds `steward providers schema`.
func NewCmdProvidersSchema(f *Factory, runF func(*ProvidersSchemaOptions) error) *cobra.Command {
	opts := &ProvidersSchemaOptions{f: f}
	cmd := &cobra.Command{
		Use:   "schema -json",
		Short: "Print every provider's schema as JSON",
		Long: `Print the schema of every provider: its configuration, resource types and
data sources, with each attribute's type, description and flags, for editors
and documentation generators. The format is shaped like
"terraform providers schema -json".`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !opts.JSON {
				return flagErrorf("providers schema needs -json: it has no human-readable form yet")
			}
			if runF != nil {
				return runF(opts)
			}
			return providersSchemaRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print as JSON (required)")
	return cmd
}

// providersSchemaFormatVersion versions the `providers schema -json` format.
const providersSchemaFormatVersion = "1.0"

type providerSchemasJSON struct {
	FormatVersion   string                        `json:"format_version"`
	ProviderSchemas map[string]providerSchemaJSON `json:"provider_schemas"`
}

type providerSchemaJSON struct {
	Provider          blockSchemaJSON               `json:"provider"`
	ResourceSchemas   map[string]resourceSchemaJSON `json:"resource_schemas"`
	DataSourceSchemas map[string]resourceSchemaJSON `json:"data_source_schemas"`
}

type resourceSchemaJSON struct {
	Version int             `json:"version"`
	Block   blockSchemaJSON `json:"block"`
}

type blockSchemaJSON struct {
	Attributes  map[string]attributeSchemaJSON `json:"attributes,omitempty"`
	BlockTypes  map[string]blockTypeSchemaJSON `json:"block_types,omitempty"`
	Description string                         `json:"description,omitempty"`
}

type attributeSchemaJSON struct {
	Type        json.RawMessage `json:"type"`
	Description string          `json:"description,omitempty"`
	Required    bool            `json:"required,omitempty"`
	Optional    bool            `json:"optional,omitempty"`
	Computed    bool            `json:"computed,omitempty"`
	Sensitive   bool            `json:"sensitive,omitempty"`
	WriteOnly   bool            `json:"write_only,omitempty"`
	ForceNew    bool            `json:"force_new,omitempty"`
}

type blockTypeSchemaJSON struct {
	NestingMode string          `json:"nesting_mode"`
	Block       blockSchemaJSON `json:"block"`
	MinItems    int             `json:"min_items,omitempty"`
	MaxItems    int             `json:"max_items,omitempty"`
	ForceNew    bool            `json:"force_new,omitempty"`
}

func providersSchemaRun(opts *ProvidersSchemaOptions) error {
	// The working directory's plugins are included, as editors expect.
	reg := opts.f.schemaRegistry()
	out := providerSchemasJSON{FormatVersion: providersSchemaFormatVersion, ProviderSchemas: map[string]providerSchemaJSON{}}
	for _, name := range reg.Names() {
		p, err := reg.New(name)
		if err != nil {
			return fmt.Errorf("provider %q: %w", name, err)
		}
		ps := p.Schema()
		_ = p.Close()
		pj := providerSchemaJSON{ResourceSchemas: map[string]resourceSchemaJSON{}, DataSourceSchemas: map[string]resourceSchemaJSON{}}
		if ps.Config != nil {
			if pj.Provider, err = blockJSON(ps.Config); err != nil {
				return fmt.Errorf("provider %q: %w", name, err)
			}
		}
		for kind, set := range map[string]map[string]*schema.Resource{"resource": ps.Resources, "data source": ps.DataSources} {
			for typ, rs := range set {
				b, err := blockJSON(&rs.Block)
				if err != nil {
					return fmt.Errorf("provider %q, %s %q: %w", name, kind, typ, err)
				}
				rj := resourceSchemaJSON{Version: rs.Version, Block: b}
				if kind == "resource" {
					pj.ResourceSchemas[typ] = rj
				} else {
					pj.DataSourceSchemas[typ] = rj
				}
			}
		}
		out.ProviderSchemas[name] = pj
	}
	return ui.RenderJSON(opts.f.IO.Out, out)
}

var nestingNames = map[schema.NestingMode]string{
	schema.NestingSingle: "single",
	schema.NestingList:   "list",
	schema.NestingSet:    "set",
	schema.NestingMap:    "map",
}

func blockJSON(b *schema.Block) (blockSchemaJSON, error) {
	out := blockSchemaJSON{Description: b.Description}
	if len(b.Attributes) > 0 {
		out.Attributes = map[string]attributeSchemaJSON{}
	}
	for name, a := range b.Attributes {
		ty, err := ctyjson.MarshalType(a.Type)
		if err != nil {
			return out, fmt.Errorf("attribute %q: %w", name, err)
		}
		out.Attributes[name] = attributeSchemaJSON{
			Type: ty, Description: a.Description,
			Required: a.Required, Optional: a.Optional, Computed: a.Computed,
			Sensitive: a.Sensitive, WriteOnly: a.WriteOnly, ForceNew: a.ForceNew,
		}
	}
	if len(b.BlockTypes) > 0 {
		out.BlockTypes = map[string]blockTypeSchemaJSON{}
	}
	for name, nb := range b.BlockTypes {
		inner, err := blockJSON(&nb.Block)
		if err != nil {
			return out, fmt.Errorf("block %q: %w", name, err)
		}
		out.BlockTypes[name] = blockTypeSchemaJSON{
			NestingMode: nestingNames[nb.Nesting], Block: inner,
			MinItems: nb.MinItems, MaxItems: nb.MaxItems, ForceNew: nb.ForceNew,
		}
	}
	return out, nil
}
