package funcs

import (
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	ctyyaml "github.com/zclconf/go-cty-yaml"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// Functions returns the function table for evaluating configuration in baseDir
// (the working directory; relative paths in file/templatefile/fileexists/abspath resolve against it).
//
// A fresh map is built on each call so callers may add or remove entries
// (for example, provider-defined functions) without affecting other modules.
//
// uuid and timestamp are intentionally not provided: their results differ on
// every evaluation, which would make plans unstable.
func Functions(baseDir string) map[string]function.Function {
	fns := map[string]function.Function{
		// Numeric.
		"abs":      stdlib.AbsoluteFunc,
		"ceil":     stdlib.CeilFunc,
		"floor":    stdlib.FloorFunc,
		"log":      stdlib.LogFunc,
		"max":      stdlib.MaxFunc,
		"min":      stdlib.MinFunc,
		"parseint": stdlib.ParseIntFunc,
		"pow":      stdlib.PowFunc,
		"signum":   stdlib.SignumFunc,

		// Strings.
		"chomp":       stdlib.ChompFunc,
		"endswith":    EndsWithFunc,
		"format":      stdlib.FormatFunc,
		"formatlist":  stdlib.FormatListFunc,
		"indent":      stdlib.IndentFunc,
		"join":        stdlib.JoinFunc,
		"lower":       stdlib.LowerFunc,
		"regex":       stdlib.RegexFunc,
		"regexall":    stdlib.RegexAllFunc,
		"replace":     ReplaceFunc,
		"split":       stdlib.SplitFunc,
		"startswith":  StartsWithFunc,
		"strcontains": StrContainsFunc,
		"strrev":      stdlib.ReverseFunc,
		"substr":      stdlib.SubstrFunc,
		"title":       stdlib.TitleFunc,
		"trim":        stdlib.TrimFunc,
		"trimprefix":  stdlib.TrimPrefixFunc,
		"trimspace":   stdlib.TrimSpaceFunc,
		"trimsuffix":  stdlib.TrimSuffixFunc,
		"upper":       stdlib.UpperFunc,

		// Collections.
		"alltrue":         AllTrueFunc,
		"anytrue":         AnyTrueFunc,
		"chunklist":       stdlib.ChunklistFunc,
		"coalesce":        CoalesceFunc,
		"coalescelist":    stdlib.CoalesceListFunc,
		"compact":         stdlib.CompactFunc,
		"concat":          stdlib.ConcatFunc,
		"contains":        stdlib.ContainsFunc,
		"distinct":        stdlib.DistinctFunc,
		"element":         stdlib.ElementFunc,
		"flatten":         stdlib.FlattenFunc,
		"index":           IndexFunc,
		"keys":            stdlib.KeysFunc,
		"length":          LengthFunc,
		"lookup":          LookupFunc,
		"merge":           stdlib.MergeFunc,
		"one":             OneFunc,
		"range":           stdlib.RangeFunc,
		"reverse":         stdlib.ReverseListFunc,
		"setintersection": stdlib.SetIntersectionFunc,
		"setproduct":      stdlib.SetProductFunc,
		"setsubtract":     stdlib.SetSubtractFunc,
		"setunion":        stdlib.SetUnionFunc,
		"slice":           stdlib.SliceFunc,
		"sort":            stdlib.SortFunc,
		"sum":             SumFunc,
		"transpose":       TransposeFunc,
		"values":          stdlib.ValuesFunc,
		"zipmap":          stdlib.ZipmapFunc,

		// Encoding.
		"base64decode": Base64DecodeFunc,
		"base64encode": Base64EncodeFunc,
		"csvdecode":    stdlib.CSVDecodeFunc,
		"jsondecode":   stdlib.JSONDecodeFunc,
		"jsonencode":   stdlib.JSONEncodeFunc,
		"urlencode":    URLEncodeFunc,
		"yamldecode":   ctyyaml.YAMLDecodeFunc,
		"yamlencode":   ctyyaml.YAMLEncodeFunc,

		// Type conversion.
		"tobool":   stdlib.MakeToFunc(cty.Bool),
		"tolist":   stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
		"tomap":    stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		"tonumber": stdlib.MakeToFunc(cty.Number),
		"toset":    stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
		"tostring": stdlib.MakeToFunc(cty.String),

		// Hashing.
		"base64sha256": Base64Sha256Func,
		"base64sha512": Base64Sha512Func,
		"md5":          Md5Func,
		"sha1":         Sha1Func,
		"sha256":       Sha256Func,
		"sha512":       Sha512Func,

		// Network.
		"cidrhost":    CidrHostFunc,
		"cidrnetmask": CidrNetmaskFunc,
		"cidrsubnet":  CidrSubnetFunc,
		"cidrsubnets": CidrSubnetsFunc,

		// Date and time. Only pure transformations of a given timestamp are
		// offered; see the package documentation for why "now" is not.
		"formatdate": stdlib.FormatDateFunc,
		"timeadd":    stdlib.TimeAddFunc,

		// Filesystem.
		"abspath":    MakeAbsPathFunc(baseDir),
		"file":       MakeFileFunc(baseDir),
		"fileexists": MakeFileExistsFunc(baseDir),

		// Error handling. try and can inspect their arguments as unevaluated
		// expressions, which HCL supports through customdecode.
		"can": tryfunc.CanFunc,
		"try": tryfunc.TryFunc,
	}

	// templatefile needs the rest of the table to hand to the template, so it
	// is built last from a snapshot. Taking a copy means later mutations of
	// the returned map by the caller cannot smuggle templatefile back in.
	tmplFuncs := make(map[string]function.Function, len(fns)+1)
	for name, fn := range fns {
		tmplFuncs[name] = fn
	}
	tmplFuncs["templatefile"] = recursiveTemplateFileFunc
	fns["templatefile"] = MakeTemplateFileFunc(baseDir, tmplFuncs)

	return fns
}
