package config

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"

	"github.com/stewardhq/steward/engine/addrs"
)

// FileSuffix is the suffix of configuration files.
const FileSuffix = ".st.hcl"

// maxModuleDepth stops runaway recursion when a module calls itself.
const maxModuleDepth = 32

// Loader reads configuration files and remembers every file it parsed so
// that diagnostics can show their source.
type Loader struct {
	parser *hclparse.Parser
}

// NewLoader returns a Loader with an empty file cache.
func NewLoader() *Loader { return &Loader{parser: hclparse.NewParser()} }

// Files returns every file parsed so far, by name.
func (l *Loader) Files() map[string]*hcl.File { return l.parser.Files() }

// Parser exposes the underlying parser, for reading variable files into the
// same file cache.
func (l *Loader) Parser() *hclparse.Parser { return l.parser }

// Load reads the module in dir and every local module it calls.
func (l *Loader) Load(dir string) (*Config, hcl.Diagnostics) {
	root, diags := l.loadModule(dir, addrs.RootModule, nil, 0, nil)
	return &Config{Root: root, Files: l.parser.Files()}, diags
}

// LoadSource parses configuration from memory, as if it were the single
// file name in dir; the fuzz tests and the language tests use it.
func (l *Loader) LoadSource(dir, name string, src []byte) (*Config, hcl.Diagnostics) {
	f, diags := l.parser.ParseHCL(src, name)
	if diags.HasErrors() {
		return &Config{Root: newModule(dir, addrs.RootModule, nil), Files: l.parser.Files()}, diags
	}
	mod := newModule(dir, addrs.RootModule, nil)
	diags = append(diags, decodeFile(f, mod)...)
	diags = append(diags, l.loadChildren(mod, 0, nil)...)
	diags = append(diags, mod.resolveProviders()...)
	return &Config{Root: mod, Files: l.parser.Files()}, diags
}

func newModule(dir string, path addrs.Module, parent *Module) *Module {
	return &Module{
		Path:             path,
		Dir:              dir,
		Variables:        map[string]*Variable{},
		Locals:           map[string]*Local{},
		Outputs:          map[string]*Output{},
		ManagedResources: map[string]*Resource{},
		DataResources:    map[string]*Resource{},
		ModuleCalls:      map[string]*ModuleCall{},
		ProviderConfigs:  map[string]*ProviderConfig{},
		Parent:           parent,
		Children:         map[string]*Module{},
	}
}

func (l *Loader) loadModule(dir string, path addrs.Module, parent *Module, depth int, callRange *hcl.Range) (*Module, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	mod := newModule(dir, path, parent)
	files, err := configFiles(dir)
	if err != nil {
		return mod, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Cannot read configuration directory",
			Detail:   fmt.Sprintf("Reading %s failed: %s.", dir, err),
			Subject:  callRange,
		})
	}
	if len(files) == 0 && path.IsRoot() {
		return mod, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "No configuration files",
			Detail:   fmt.Sprintf("The directory %s has no %s files. Write the configuration in files ending in %s, or choose another directory with -chdir.", dir, FileSuffix, FileSuffix),
		})
	}
	for _, fn := range files {
		f, fdiags := l.parser.ParseHCLFile(fn)
		diags = append(diags, fdiags...)
		if f == nil || fdiags.HasErrors() {
			continue
		}
		diags = append(diags, decodeFile(f, mod)...)
	}
	diags = append(diags, l.loadChildren(mod, depth, callRange)...)
	diags = append(diags, mod.resolveProviders()...)
	return mod, diags
}

func (l *Loader) loadChildren(mod *Module, depth int, callRange *hcl.Range) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, name := range sortedKeys(mod.ModuleCalls) {
		call := mod.ModuleCalls[name]
		if depth >= maxModuleDepth {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Module nesting too deep",
				Detail:   fmt.Sprintf("Modules are nested more than %d levels deep; a module probably calls itself.", maxModuleDepth),
				Subject:  call.DeclRange.Ptr(),
			})
			continue
		}
		call.SourceDir = filepath.Join(mod.Dir, call.Source)
		child, cdiags := l.loadModule(call.SourceDir, mod.Path.Child(name), mod, depth+1, call.DeclRange.Ptr())
		diags = append(diags, cdiags...)
		mod.Children[name] = child
	}
	return diags
}

// configFiles lists the configuration files of dir in a stable order.
func configFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), FileSuffix) || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		out = append(out, filepath.Join(dir, e.Name()))
	}
	sort.Strings(out)
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
