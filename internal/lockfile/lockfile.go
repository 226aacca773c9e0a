package lockfile

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// FileName is the lock file's name in the working directory.
const FileName = "steward.lock.hcl"

// header explains the file to whoever opens it.
const header = `# This file is maintained by "steward init" (or "steward providers lock").
# It records the provider plugins this configuration uses and the checksums
# of the binaries that were accepted. Commit it with the configuration.
`

// Provider is one plugin's entry.
type Provider struct {
	Name string
	// Source is the required_providers source it was resolved from.
	Source string
	// Hash is "sha256:" and the binary's checksum in hex.
	Hash string
}

// File is the content of a lock file.
type File struct {
	Providers map[string]*Provider
}

type fileHCL struct {
	Providers []providerHCL `hcl:"provider,block"`
}

type providerHCL struct {
	Name   string `hcl:"name,label"`
	Source string `hcl:"source"`
	Hash   string `hcl:"hash"`
}

// Read reads the lock file at path. A missing file reads as an empty one.
func Read(path string) (*File, hcl.Diagnostics) {
	out := &File{Providers: map[string]*Provider{}}
	src, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot read the lock file", Detail: err.Error()}}
	}
	f, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	var raw fileHCL
	if diags := gohcl.DecodeBody(f.Body, nil, &raw); diags.HasErrors() {
		return nil, diags
	}
	for _, p := range raw.Providers {
		if !strings.HasPrefix(p.Hash, "sha256:") {
			return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid lock file",
				Detail: fmt.Sprintf("The hash of provider %q is %q; steward writes \"sha256:\" and a hex checksum. Run \"steward init -upgrade\" to record it again.", p.Name, p.Hash)}}
		}
		out.Providers[p.Name] = &Provider{Name: p.Name, Source: p.Source, Hash: p.Hash}
	}
	return out, nil
}

// Bytes renders f, providers sorted by name.
func (f *File) Bytes() []byte {
	w := hclwrite.NewEmptyFile()
	body := w.Body()
	names := make([]string, 0, len(f.Providers))
	for n := range f.Providers {
		names = append(names, n)
	}
	sort.Strings(names)
	for i, n := range names {
		if i > 0 {
			body.AppendNewline()
		}
		p := f.Providers[n]
		b := body.AppendNewBlock("provider", []string{n}).Body()
		b.SetAttributeValue("source", cty.StringVal(p.Source))
		b.SetAttributeValue("hash", cty.StringVal(p.Hash))
	}
	return append([]byte(header+"\n"), hclwrite.Format(w.Bytes())...)
}

// Write writes f to path atomically: a reader sees the old file or the new
// one, never half of it.
func Write(path string, f *File) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".steward.lock.hcl.*")
	if err != nil {
		return fmt.Errorf("writing the lock file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(f.Bytes()); err != nil {
		tmp.Close()
		return fmt.Errorf("writing the lock file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing the lock file: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("writing the lock file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing the lock file: %w", err)
	}
	return nil
}

// HashFile returns the checksum of the file at path in the lock file's
// form, "sha256:" and hex.
func HashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// ParseHash returns the raw checksum of a "sha256:..." hash.
func ParseHash(h string) ([]byte, error) {
	hexSum, ok := strings.CutPrefix(h, "sha256:")
	if !ok {
		return nil, fmt.Errorf("%q is not a sha256: hash", h)
	}
	b, err := hex.DecodeString(hexSum)
	if err != nil || len(b) != sha256.Size {
		return nil, fmt.Errorf("%q is not a sha256: hash", h)
	}
	return b, nil
}
