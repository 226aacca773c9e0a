package state

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/stewardhq/steward/schema"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// HashPrefix starts every hash made by HashValue. It names the algorithm so
// that a later format can change it without guessing.
const HashPrefix = "hmac-sha256:"

// SensitiveAttribute records one part of a stored value that was withheld
// because it was marked schema.Sensitive.
type SensitiveAttribute struct {
	// Path locates the part; the stored JSON has null there.
	Path AttributePath `json:"path"`
	// Hash is HashValue of the withheld part, so a plan can tell whether
	// the configured secret changed without the state knowing it.
	Hash string `json:"hash"`
}

// EncodeValue marshals v, of type ty, for storage. Every part of v marked
// schema.Sensitive, at any depth, is written as null and listed in the
// returned slice with its HashValue under key.
//
// A set cannot be partly withheld, because a set element is addressed by its
// own value; a mark anywhere inside a set withholds the whole set (cty
// already hoists such marks to the set). Marks other than schema.Sensitive
// are dropped: they describe how a value was computed, not what to store.
// A value with unknown parts is an error, since state records only objects
// that exist.
func EncodeValue(v cty.Value, ty cty.Type, key []byte) (json.RawMessage, []SensitiveAttribute, error) {
	if err := requireKnown(v); err != nil {
		return nil, nil, err
	}
	raw, pvms := v.UnmarkDeepWithPaths()
	if !raw.Type().Equals(ty) && raw.Type().TestConformance(ty) != nil {
		return nil, nil, fmt.Errorf("encoding value: value of type %s does not conform to the type %s", raw.Type().FriendlyName(), ty.FriendlyName())
	}

	var paths []AttributePath
	for _, pvm := range pvms {
		if !pvm.Marks.Has(schema.Sensitive) {
			continue
		}
		p, err := fromCtyPath(raw, pvm.Path)
		if err != nil {
			return nil, nil, fmt.Errorf("encoding value: sensitive mark: %w", err)
		}
		paths = append(paths, p)
	}
	paths = outermostPaths(paths)
	if len(paths) > 0 && len(key) == 0 {
		return nil, nil, errors.New("encoding value: it has sensitive parts but no hash key was given")
	}

	sens := make([]SensitiveAttribute, 0, len(paths))
	withheld := make([]cty.Path, 0, len(paths))
	for _, p := range paths {
		cp, err := p.toCtyPath(raw)
		if err != nil {
			return nil, nil, fmt.Errorf("encoding value: sensitive part %s: %w", describePath(p), err)
		}
		part, err := cp.Apply(raw)
		if err != nil {
			return nil, nil, fmt.Errorf("encoding value: sensitive part %s: %w", describePath(p), err)
		}
		h, err := HashValue(key, part)
		if err != nil {
			return nil, nil, fmt.Errorf("encoding value: sensitive part %s: %w", describePath(p), err)
		}
		sens = append(sens, SensitiveAttribute{Path: p, Hash: h})
		withheld = append(withheld, cp)
	}

	stored := raw
	if len(withheld) > 0 {
		var err error
		stored, err = cty.Transform(raw, func(p cty.Path, v cty.Value) (cty.Value, error) {
			for _, w := range withheld {
				if p.Equals(w) {
					return cty.NullVal(v.Type()), nil
				}
			}
			return v, nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("encoding value: withholding sensitive parts: %w", err)
		}
	}

	js, err := ctyjson.Marshal(stored, ty)
	if err != nil {
		return nil, nil, fmt.Errorf("encoding value as %s: %w", ty.FriendlyName(), err)
	}
	if len(sens) == 0 {
		sens = nil
	}
	return js, sens, nil
}

// outermostPaths sorts paths and drops any that lie beneath another, since
// withholding the outer part already withholds the inner one.
func outermostPaths(paths []AttributePath) []AttributePath {
	slices.SortFunc(paths, AttributePath.Compare)
	out := paths[:0]
	for _, p := range paths {
		// Sorting puts a prefix right before its extensions, so only the
		// last kept path can contain p.
		if len(out) > 0 && p.hasPrefix(out[len(out)-1]) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// DecodeValue reverses EncodeValue: it unmarshals raw as ty and marks each
// part listed in sens with schema.Sensitive. Those parts come back null,
// since their values were never stored. An empty raw decodes to a null of
// ty.
func DecodeValue(raw json.RawMessage, ty cty.Type, sens []SensitiveAttribute) (cty.Value, error) {
	return decodeValue(&ValueDecoder{}, raw, ty, sens)
}

func decodeValue(d *ValueDecoder, raw json.RawMessage, ty cty.Type, sens []SensitiveAttribute) (cty.Value, error) {
	var v cty.Value
	if len(strings.TrimSpace(string(raw))) == 0 {
		v = cty.NullVal(ty)
	} else {
		var err error
		v, err = d.decodeJSON(raw, ty)
		if err != nil {
			return cty.NilVal, fmt.Errorf("decoding value as %s: %w", ty.FriendlyName(), err)
		}
	}
	if len(sens) == 0 {
		return v, nil
	}
	pvms := make([]cty.PathValueMarks, 0, len(sens))
	for _, sa := range sens {
		p, err := sa.Path.toCtyPath(v)
		if err != nil {
			return cty.NilVal, fmt.Errorf("decoding value: sensitive part %s: %w", describePath(sa.Path), err)
		}
		pvms = append(pvms, cty.PathValueMarks{Path: p, Marks: cty.NewValueMarks(schema.Sensitive)})
	}
	return v.MarkWithPaths(pvms), nil
}

// HashValue returns the keyed hash of v that EncodeValue stores for a
// withheld part: "hmac-sha256:" and the hex HMAC-SHA256 under key of v's
// canonical cty JSON (marks removed, encoded with v's own type). The planner
// calls it on a configured value to compare with a stored hash.
//
// The hash is keyed so that someone holding only the state file cannot test
// guesses of a low-entropy secret against it.
func HashValue(key []byte, v cty.Value) (string, error) {
	if len(key) == 0 {
		return "", errors.New("hashing value: no hash key")
	}
	if err := requireKnown(v); err != nil {
		return "", err
	}
	raw, _ := v.UnmarkDeep()
	js, err := ctyjson.Marshal(raw, raw.Type())
	if err != nil {
		return "", fmt.Errorf("hashing value: %w", err)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write(js)
	return HashPrefix + hex.EncodeToString(mac.Sum(nil)), nil
}

// requireKnown reports where v has an unknown part, if it has one. Only the
// location is named, never the value, since v may be sensitive.
func requireKnown(v cty.Value) error {
	if v.IsWhollyKnown() {
		return nil
	}
	var where cty.Path
	_ = cty.Walk(v, func(p cty.Path, v cty.Value) (bool, error) {
		if !v.IsKnown() {
			where = p.Copy()
			return false, errStopWalk
		}
		return true, nil
	})
	return fmt.Errorf("value has an unknown part at %s; only known values can be stored", describeCtyPath(v, where))
}

// validHash reports whether h has the shape HashValue produces.
func validHash(h string) bool {
	hexPart, ok := strings.CutPrefix(h, HashPrefix)
	if !ok || len(hexPart) != 2*sha256.Size {
		return false
	}
	_, err := hex.DecodeString(hexPart)
	return err == nil
}

// EncodeOutput prepares a root module output for storage. The output is
// stored as a hash only when sensitive is set or v has a schema.Sensitive
// mark anywhere: outputs are read whole by other tools, so a partly
// withheld output would be more confusing than useful.
func EncodeOutput(v cty.Value, sensitive bool, key []byte) (*OutputValue, error) {
	if err := requireKnown(v); err != nil {
		return nil, fmt.Errorf("encoding output: %w", err)
	}
	raw, marks := v.UnmarkDeep()
	ty := raw.Type()
	tyJSON, err := ctyjson.MarshalType(ty)
	if err != nil {
		return nil, fmt.Errorf("encoding output type %s: %w", ty.FriendlyName(), err)
	}
	if sensitive || marks.Has(schema.Sensitive) {
		h, err := HashValue(key, raw)
		if err != nil {
			return nil, fmt.Errorf("encoding sensitive output: %w", err)
		}
		return &OutputValue{Value: json.RawMessage("null"), Type: tyJSON, Sensitive: true, Hash: h}, nil
	}
	js, err := ctyjson.Marshal(raw, ty)
	if err != nil {
		return nil, fmt.Errorf("encoding output: %w", err)
	}
	return &OutputValue{Value: js, Type: tyJSON}, nil
}

// Decode returns the output's value. A sensitive output comes back as a null
// of its type marked schema.Sensitive, as its value was never stored.
func (o *OutputValue) Decode() (cty.Value, error) {
	ty, err := ctyjson.UnmarshalType(o.Type)
	if err != nil {
		return cty.NilVal, fmt.Errorf("decoding output type: %w", err)
	}
	if o.Sensitive {
		return cty.NullVal(ty).Mark(schema.Sensitive), nil
	}
	v, err := DecodeValue(o.Value, ty, nil)
	if err != nil {
		return cty.NilVal, fmt.Errorf("decoding output: %w", err)
	}
	return v, nil
}
