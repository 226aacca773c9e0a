package funcs

import (
	"regexp"
	"strings"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// ReplaceFunc extends stdlib's plain-substring replace: a search string
// wrapped in slashes is treated as a regular expression, and the replacement
// may then refer to capture groups as $1 or ${name}. This keeps a single
// familiar function name for both forms rather than adding a regexreplace.
var ReplaceFunc = function.New(&function.Spec{
	Description: `Replaces every occurrence of substr in str with replace. If substr is wrapped in forward slashes it is treated as a regular expression.`,
	Params: []function.Parameter{
		{Name: "str", Type: cty.String},
		{Name: "substr", Type: cty.String},
		{Name: "replace", Type: cty.String},
	},
	Type:         function.StaticReturnType(cty.String),
	RefineResult: refineNotNull,
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		str := args[0].AsString()
		substr := args[1].AsString()
		repl := args[2].AsString()

		// A lone "/" is an ordinary one-character search string.
		if len(substr) > 1 && strings.HasPrefix(substr, "/") && strings.HasSuffix(substr, "/") {
			re, err := regexp.Compile(substr[1 : len(substr)-1])
			if err != nil {
				return cty.NilVal, function.NewArgErrorf(1, "invalid regular expression: %s", err)
			}
			return cty.StringVal(re.ReplaceAllString(str, repl)), nil
		}
		return cty.StringVal(strings.ReplaceAll(str, substr, repl)), nil
	},
})

// StartsWithFunc reports whether str begins with prefix.
var StartsWithFunc = makeStringPredicate("startswith", "prefix", "Reports whether the string begins with the given prefix.", strings.HasPrefix)

// EndsWithFunc reports whether str ends with suffix.
var EndsWithFunc = makeStringPredicate("endswith", "suffix", "Reports whether the string ends with the given suffix.", strings.HasSuffix)

// StrContainsFunc reports whether substr occurs anywhere in str.
var StrContainsFunc = makeStringPredicate("strcontains", "substr", "Reports whether the string contains the given substring.", strings.Contains)

func makeStringPredicate(name, second, desc string, pred func(s, t string) bool) function.Function {
	return function.New(&function.Spec{
		Description: desc,
		Params: []function.Parameter{
			{Name: "str", Type: cty.String},
			{Name: second, Type: cty.String},
		},
		Type:         function.StaticReturnType(cty.Bool),
		RefineResult: refineNotNull,
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			return cty.BoolVal(pred(args[0].AsString(), args[1].AsString())), nil
		},
	})
}
