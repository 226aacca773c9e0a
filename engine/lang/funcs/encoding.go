package funcs

import (
	"encoding/base64"
	"net/url"
	"unicode/utf8"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// Base64EncodeFunc encodes the UTF-8 bytes of a string with standard,
// padded base64.
var Base64EncodeFunc = function.New(&function.Spec{
	Description: "Encodes the UTF-8 bytes of the given string using standard padded Base64.",
	Params: []function.Parameter{
		{Name: "str", Type: cty.String},
	},
	Type:         function.StaticReturnType(cty.String),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		return cty.StringVal(base64.StdEncoding.EncodeToString([]byte(args[0].AsString()))), nil
	},
})

// Base64DecodeFunc decodes standard base64. cty strings must be valid
// Unicode, so payloads that decode to arbitrary binary are rejected rather
// than silently mangled.
var Base64DecodeFunc = function.New(&function.Spec{
	Description: "Decodes a standard Base64 string whose decoded bytes are valid UTF-8.",
	Params: []function.Parameter{
		{Name: "str", Type: cty.String},
	},
	Type:         function.StaticReturnType(cty.String),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		// Error messages deliberately omit the input: it may have been
		// marked sensitive, and marks are not visible inside Impl.
		raw, err := base64.StdEncoding.DecodeString(args[0].AsString())
		if err != nil {
			return cty.NilVal, function.NewArgErrorf(0, "failed to decode base64 data: %s", err)
		}
		if !utf8.Valid(raw) {
			return cty.NilVal, function.NewArgErrorf(0, "the result of decoding the provided string is not valid UTF-8")
		}
		return cty.StringVal(string(raw)), nil
	},
})

// URLEncodeFunc applies query-string escaping, so spaces become "+", which
// is the form expected when building query parameters.
var URLEncodeFunc = function.New(&function.Spec{
	Description: "Applies URL query encoding to the given string.",
	Params: []function.Parameter{
		{Name: "str", Type: cty.String},
	},
	Type:         function.StaticReturnType(cty.String),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		return cty.StringVal(url.QueryEscape(args[0].AsString())), nil
	},
})
