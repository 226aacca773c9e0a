package funcs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// testMark stands in for the engine's sensitivity mark: the functions must
// propagate any mark, not one particular value.
type testMark string

const sensitive = testMark("sensitive")

type exprTest struct {
	expr    string
	want    cty.Value
	wantErr string // substring of the evaluation error; empty means success
}

// testVars are available to every test expression so marks and unknowns can
// be fed into functions the same way the engine would.
func testVars(t *testing.T, dir string) map[string]cty.Value {
	t.Helper()
	return map[string]cty.Value{
		"secret":     cty.StringVal("hunter2").Mark(sensitive),
		"secretbool": cty.True.Mark(sensitive),
		"secretpath": cty.StringVal("hidden-name.txt").Mark(sensitive),
		"secretlist": cty.ListVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")}).Mark(sensitive),
		"unkstr":     cty.UnknownVal(cty.String),
		"unkbool":    cty.UnknownVal(cty.Bool),
		"unklist":    cty.UnknownVal(cty.List(cty.String)),
		"obj":        cty.ObjectVal(map[string]cty.Value{"a": cty.NumberIntVal(1)}),
		"strmap":     cty.MapVal(map[string]cty.Value{"a": cty.StringVal("x")}),
		"dir":        cty.StringVal(dir),
	}
}

func evalExpr(t *testing.T, dir, src string) (cty.Value, hcl.Diagnostics) {
	t.Helper()
	expr, diags := hclsyntax.ParseExpression([]byte(src), "test.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("parse %s: %s", src, diags.Error())
	}
	ctx := &hcl.EvalContext{
		Variables: testVars(t, dir),
		Functions: Functions(dir),
	}
	return expr.Value(ctx)
}

func runExprTests(t *testing.T, dir string, tests []exprTest) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			got, diags := evalExpr(t, dir, tc.expr)
			if tc.wantErr != "" {
				if !diags.HasErrors() {
					t.Fatalf("expected error containing %q, got value %#v", tc.wantErr, got)
				}
				if msg := diags.Error(); !strings.Contains(msg, tc.wantErr) {
					t.Fatalf("error %q does not contain %q", msg, tc.wantErr)
				}
				return
			}
			if diags.HasErrors() {
				t.Fatalf("unexpected error: %s", diags.Error())
			}
			if !got.RawEquals(tc.want) {
				t.Fatalf("wrong result\n got: %#v\nwant: %#v", got, tc.want)
			}
		})
	}
}

func strList(ss ...string) cty.Value {
	if len(ss) == 0 {
		return cty.ListValEmpty(cty.String)
	}
	vals := make([]cty.Value, len(ss))
	for i, s := range ss {
		vals[i] = cty.StringVal(s)
	}
	return cty.ListVal(vals)
}

func num(n int64) cty.Value { return cty.NumberIntVal(n) }

func TestNumericFunctions(t *testing.T) {
	runExprTests(t, t.TempDir(), []exprTest{
		{expr: `abs(-3.5)`, want: cty.NumberFloatVal(3.5)},
		{expr: `ceil(1.2)`, want: num(2)},
		{expr: `floor(-1.2)`, want: num(-2)},
		{expr: `log(8, 2)`, want: num(3)},
		{expr: `max(1, 5, 3)`, want: num(5)},
		{expr: `max([4, 9]...)`, want: num(9)},
		{expr: `min(1, 5, -3)`, want: num(-3)},
		{expr: `pow(2, 10)`, want: num(1024)},
		{expr: `signum(-5)`, want: num(-1)},
		{expr: `parseint("ff", 16)`, want: num(255)},
		{expr: `parseint("-101", 2)`, want: num(-5)},
		{expr: `parseint("zz", 10)`, wantErr: "cannot parse"},
		{expr: `max()`, wantErr: "at least one"},
	})
}

func TestStringFunctions(t *testing.T) {
	runExprTests(t, t.TempDir(), []exprTest{
		{expr: `chomp("hello\n\n")`, want: cty.StringVal("hello")},
		{expr: `format("%s-%03d", "web", 7)`, want: cty.StringVal("web-007")},
		{expr: `format("%d", "x")`, wantErr: "unsupported value"},
		{expr: `formatlist("%s.example.com", ["a", "b"])`, want: strList("a.example.com", "b.example.com")},
		{expr: `indent(2, "a\nb")`, want: cty.StringVal("a\n  b")},
		{expr: `join(", ", ["a", "b", "c"])`, want: cty.StringVal("a, b, c")},
		{expr: `lower("HeLLo")`, want: cty.StringVal("hello")},
		{expr: `upper("HeLLo")`, want: cty.StringVal("HELLO")},
		{expr: `regex("[a-z]+", "123abc456")`, want: cty.StringVal("abc")},
		{expr: `regex("(\\d+)-(\\d+)", "10-20")`, want: cty.TupleVal([]cty.Value{cty.StringVal("10"), cty.StringVal("20")})},
		{expr: `regex("z", "abc")`, wantErr: "pattern did not match"},
		{expr: `regexall("[0-9]", "a1b2c3")`, want: strList("1", "2", "3")},
		{expr: `replace("hello", "l", "L")`, want: cty.StringVal("heLLo")},
		{expr: `replace("1 + 2 + 3", "+", "-")`, want: cty.StringVal("1 - 2 - 3")},
		{expr: `replace("hello world", "/o(.)/", "0$1")`, want: cty.StringVal("hell0 w0rld")},
		{expr: `replace("a-b_c", "/[-_]/", "")`, want: cty.StringVal("abc")},
		{expr: `replace("a/b/c", "/", "|")`, want: cty.StringVal("a|b|c")},
		{expr: `replace("x", "/[/", "y")`, wantErr: "invalid regular expression"},
		{expr: `split(",", "a,b,,c")`, want: strList("a", "b", "", "c")},
		{expr: `strrev("héllo")`, want: cty.StringVal("olléh")},
		{expr: `substr("hello world", 1, 4)`, want: cty.StringVal("ello")},
		{expr: `substr("hello", -3, -1)`, want: cty.StringVal("llo")},
		{expr: `title("hello world")`, want: cty.StringVal("Hello World")},
		{expr: `trim("?!hello?!", "!?")`, want: cty.StringVal("hello")},
		{expr: `trimprefix("helloworld", "hello")`, want: cty.StringVal("world")},
		{expr: `trimsuffix("helloworld", "world")`, want: cty.StringVal("hello")},
		{expr: `trimspace("  hi \n")`, want: cty.StringVal("hi")},
		{expr: `startswith("hello", "he")`, want: cty.True},
		{expr: `startswith("hello", "lo")`, want: cty.False},
		{expr: `endswith("hello", "lo")`, want: cty.True},
		{expr: `endswith("hello", "he")`, want: cty.False},
		{expr: `strcontains("hello", "ell")`, want: cty.True},
		{expr: `strcontains("hello", "xyz")`, want: cty.False},
	})
}

func TestCollectionFunctions(t *testing.T) {
	runExprTests(t, t.TempDir(), []exprTest{
		{expr: `alltrue([true, true])`, want: cty.True},
		{expr: `alltrue([true, false])`, want: cty.False},
		{expr: `alltrue([])`, want: cty.True},
		{expr: `alltrue(["true", true])`, want: cty.True},
		{expr: `alltrue([null])`, want: cty.False},
		{expr: `anytrue([false, true])`, want: cty.True},
		{expr: `anytrue([false, null])`, want: cty.False},
		{expr: `anytrue([])`, want: cty.False},
		{expr: `chunklist(["a", "b", "c"], 2)`, want: cty.ListVal([]cty.Value{strList("a", "b"), strList("c")})},
		{expr: `coalesce("", null, "b", "c")`, want: cty.StringVal("b")},
		{expr: `coalesce(1, 2)`, want: num(1)},
		{expr: `coalesce(null, 2)`, want: num(2)},
		{expr: `coalesce(null, "")`, wantErr: "no non-null, non-empty-string arguments"},
		{expr: `coalesce("a", [])`, wantErr: "all arguments must have the same type"},
		{expr: `coalescelist([], ["a"])`, want: cty.TupleVal([]cty.Value{cty.StringVal("a")})},
		{expr: `compact(["a", "", null, "b"])`, want: strList("a", "b")},
		{expr: `concat(["a"], ["b", "c"])`, want: cty.TupleVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b"), cty.StringVal("c")})},
		{expr: `contains(["a", "b"], "b")`, want: cty.True},
		{expr: `contains(["a", "b"], "z")`, want: cty.False},
		{expr: `distinct(["a", "b", "a"])`, want: strList("a", "b")},
		{expr: `element(["a", "b", "c"], 1)`, want: cty.StringVal("b")},
		{expr: `element(["a", "b", "c"], 4)`, want: cty.StringVal("b")},
		{expr: `element([], 0)`, wantErr: "empty list"},
		{expr: `flatten([["a"], ["b", ["c"]], []])`, want: cty.TupleVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b"), cty.StringVal("c")})},
		{expr: `index(["a", "b", "c"], "b")`, want: num(1)},
		{expr: `index(["a", "b"], "z")`, wantErr: "item not found"},
		{expr: `index([], "z")`, wantErr: "empty list"},
		{expr: `index("abc", "b")`, wantErr: "must be a list or tuple"},
		{expr: `keys({b = 1, a = 2})`, want: cty.TupleVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")})},
		{expr: `keys(strmap)`, want: strList("a")},
		{expr: `length("héllo")`, want: num(5)},
		{expr: `length("")`, want: num(0)},
		{expr: `length(["a", "b"])`, want: num(2)},
		{expr: `length({a = 1, b = 2})`, want: num(2)},
		{expr: `length(strmap)`, want: num(1)},
		{expr: `length(toset(["a", "a", "b"]))`, want: num(2)},
		{expr: `length(5)`, wantErr: "must be a string, a collection type, or a structural type"},
		{expr: `length(null)`, wantErr: "must not be null"},
		{expr: `lookup({a = "x"}, "a")`, want: cty.StringVal("x")},
		{expr: `lookup({a = "x"}, "b", "dflt")`, want: cty.StringVal("dflt")},
		{expr: `lookup(strmap, "a", "dflt")`, want: cty.StringVal("x")},
		{expr: `lookup(strmap, "zz", "dflt")`, want: cty.StringVal("dflt")},
		{expr: `lookup(strmap, "zz")`, wantErr: `lookup failed to find key "zz"`},
		{expr: `lookup({a = "x"}, "b")`, wantErr: `no attribute "b"`},
		{expr: `lookup(["a"], "0")`, wantErr: "requires a map or object"},
		{expr: `lookup(strmap, "a", "b", "c")`, wantErr: "at most three arguments"},
		{expr: `merge({a = 1, b = 2}, {b = 3, c = 4})`, want: cty.ObjectVal(map[string]cty.Value{"a": num(1), "b": num(3), "c": num(4)})},
		{expr: `one([])`, want: cty.NullVal(cty.DynamicPseudoType)},
		{expr: `one(["x"])`, want: cty.StringVal("x")},
		{expr: `one(tolist([]))`, want: cty.NullVal(cty.DynamicPseudoType)},
		{expr: `one(toset(["x"]))`, want: cty.StringVal("x")},
		{expr: `one(["x", "y"])`, wantErr: "either zero or one elements"},
		{expr: `one(tolist(["x", "y"]))`, wantErr: "either zero or one elements"},
		{expr: `range(3)`, want: cty.ListVal([]cty.Value{num(0), num(1), num(2)})},
		{expr: `range(1, 7, 3)`, want: cty.ListVal([]cty.Value{num(1), num(4)})},
		{expr: `reverse(["a", "b", "c"])`, want: cty.TupleVal([]cty.Value{cty.StringVal("c"), cty.StringVal("b"), cty.StringVal("a")})},
		{expr: `setintersection(["a", "b"], ["b", "c"])`, want: cty.SetVal([]cty.Value{cty.StringVal("b")})},
		{expr: `setunion(["a"], ["b"])`, want: cty.SetVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")})},
		{expr: `setsubtract(["a", "b", "c"], ["b"])`, want: cty.SetVal([]cty.Value{cty.StringVal("a"), cty.StringVal("c")})},
		{expr: `setproduct(["a", "b"], ["x"])`, want: cty.ListVal([]cty.Value{
			cty.TupleVal([]cty.Value{cty.StringVal("a"), cty.StringVal("x")}),
			cty.TupleVal([]cty.Value{cty.StringVal("b"), cty.StringVal("x")}),
		})},
		{expr: `slice(["a", "b", "c", "d"], 1, 3)`, want: cty.TupleVal([]cty.Value{cty.StringVal("b"), cty.StringVal("c")})},
		{expr: `slice(["a"], 0, 5)`, wantErr: "end index must not be greater than the length of the list"},
		{expr: `sort(["b", "c", "a"])`, want: strList("a", "b", "c")},
		{expr: `sum([1, 2, 3.5])`, want: cty.NumberFloatVal(6.5)},
		{expr: `sum(toset([2, 3]))`, want: num(5)},
		{expr: `sum([])`, wantErr: "cannot sum an empty list"},
		{expr: `sum(["a"])`, wantErr: "list, set or tuple of numbers"},
		{expr: `sum([1, null])`, wantErr: "null elements are not allowed"},
		{expr: `transpose({a = ["1", "2"], b = ["2", "3"]})`, want: cty.MapVal(map[string]cty.Value{
			"1": strList("a"),
			"2": strList("a", "b"),
			"3": strList("b"),
		})},
		{expr: `transpose({})`, want: cty.MapValEmpty(cty.List(cty.String))},
		{expr: `transpose({a = ["1", null]})`, wantErr: "must not contain null values"},
		{expr: `values({b = 1, a = 2})`, want: cty.TupleVal([]cty.Value{num(2), num(1)})},
		{expr: `zipmap(["a", "b"], [1, 2])`, want: cty.ObjectVal(map[string]cty.Value{"a": num(1), "b": num(2)})},
		{expr: `zipmap(["a", "b"], [1])`, wantErr: "number of keys (2) does not match number of values (1)"},
	})
}

func TestEncodingFunctions(t *testing.T) {
	runExprTests(t, t.TempDir(), []exprTest{
		{expr: `base64encode("hello")`, want: cty.StringVal("aGVsbG8=")},
		{expr: `base64decode("aGVsbG8=")`, want: cty.StringVal("hello")},
		{expr: `base64decode(base64encode("héllo ✓"))`, want: cty.StringVal("héllo ✓")},
		{expr: `base64decode("not base64!")`, wantErr: "failed to decode base64 data"},
		{expr: `base64decode("/w==")`, wantErr: "not valid UTF-8"},
		{expr: `csvdecode("a,b\n1,2\n")`, want: cty.ListVal([]cty.Value{
			cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("1"), "b": cty.StringVal("2")}),
		})},
		{expr: `csvdecode("a,b\n1\n")`, wantErr: "wrong number of fields"},
		{expr: `jsonencode({a = [1, true, "x"], b = null})`, want: cty.StringVal(`{"a":[1,true,"x"],"b":null}`)},
		{expr: `jsondecode("{\"a\": [1, 2]}")`, want: cty.ObjectVal(map[string]cty.Value{
			"a": cty.TupleVal([]cty.Value{num(1), num(2)}),
		})},
		{expr: `jsondecode("{")`, wantErr: `Call to function "jsondecode" failed`},
		{expr: `urlencode("a b&c=d/é")`, want: cty.StringVal("a+b%26c%3Dd%2F%C3%A9")},
		{expr: `yamlencode({a = 1, b = ["x"]})`, want: cty.StringVal("\"a\": 1\n\"b\":\n- \"x\"\n")},
		{expr: `yamldecode("a: 1\nb: [x, z]\n")`, want: cty.ObjectVal(map[string]cty.Value{
			"a": num(1),
			"b": cty.TupleVal([]cty.Value{cty.StringVal("x"), cty.StringVal("z")}),
		})},
		{expr: `yamldecode("a: [")`, wantErr: "yamldecode"},
	})
}

func TestConversionFunctions(t *testing.T) {
	runExprTests(t, t.TempDir(), []exprTest{
		{expr: `tostring(5)`, want: cty.StringVal("5")},
		{expr: `tostring(true)`, want: cty.StringVal("true")},
		{expr: `tostring(null)`, want: cty.NullVal(cty.String)},
		{expr: `tostring(["a"])`, wantErr: "cannot convert tuple to string"},
		{expr: `tonumber("5.5")`, want: cty.NumberFloatVal(5.5)},
		{expr: `tonumber("x")`, wantErr: `cannot convert "x" to number`},
		{expr: `tobool("true")`, want: cty.True},
		{expr: `tobool("yes")`, wantErr: `only the strings "true" or "false" are allowed`},
		{expr: `tolist(["a", "b"])`, want: strList("a", "b")},
		{expr: `tolist(["a", 1])`, want: strList("a", "1")},
		{expr: `toset(["a", "b", "a"])`, want: cty.SetVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")})},
		{expr: `tomap({a = "x", b = 1})`, want: cty.MapVal(map[string]cty.Value{"a": cty.StringVal("x"), "b": cty.StringVal("1")})},
		{expr: `tomap(["a"])`, wantErr: "cannot convert tuple to map"},
	})
}

func TestHashFunctions(t *testing.T) {
	runExprTests(t, t.TempDir(), []exprTest{
		{expr: `md5("hello")`, want: cty.StringVal("5d41402abc4b2a76b9719d911017c592")},
		{expr: `sha1("hello")`, want: cty.StringVal("aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d")},
		{expr: `sha256("hello")`, want: cty.StringVal("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")},
		{expr: `sha512("hello")`, want: cty.StringVal("9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043")},
		{expr: `base64sha256("hello")`, want: cty.StringVal("LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=")},
		{expr: `base64sha512("hello")`, want: cty.StringVal("m3HSJL1i83hdltRq0+o9czGb+8KJDKra4t/3JRlnPKcjI8PZm6XBHXx6zG4UuMXaDEZjR1wuXDre9G9zvN7AQw==")},
	})
}

func TestCIDRFunctions(t *testing.T) {
	runExprTests(t, t.TempDir(), []exprTest{
		{expr: `cidrhost("10.12.112.0/20", 16)`, want: cty.StringVal("10.12.112.16")},
		{expr: `cidrhost("10.12.112.0/20", 268)`, want: cty.StringVal("10.12.113.12")},
		{expr: `cidrhost("10.0.0.0/24", -1)`, want: cty.StringVal("10.0.0.255")},
		{expr: `cidrhost("fd00:fd12:3456:7890:00a2::/72", 34)`, want: cty.StringVal("fd00:fd12:3456:7890::22")},
		{expr: `cidrhost("10.0.0.0/24", 256)`, wantErr: "prefix of 24 does not accommodate a host numbered 256"},
		{expr: `cidrhost("10.0.0.0/24", -257)`, wantErr: "does not accommodate a host numbered -257"},
		{expr: `cidrhost("10.0.0.0/24", 1.5)`, wantErr: "hostnum must be a whole number"},
		{expr: `cidrhost("10.0.0.0", 1)`, wantErr: "invalid CIDR expression"},
		{expr: `cidrnetmask("172.16.0.0/12")`, want: cty.StringVal("255.240.0.0")},
		{expr: `cidrnetmask("10.0.0.0/32")`, want: cty.StringVal("255.255.255.255")},
		{expr: `cidrnetmask("fd00::/8")`, wantErr: "IPv6 addresses cannot have a netmask"},
		{expr: `cidrnetmask("nope")`, wantErr: "invalid CIDR expression"},
		{expr: `cidrsubnet("172.16.0.0/12", 4, 2)`, want: cty.StringVal("172.18.0.0/16")},
		{expr: `cidrsubnet("10.1.2.0/24", 4, 15)`, want: cty.StringVal("10.1.2.240/28")},
		{expr: `cidrsubnet("10.1.2.3/24", 0, 0)`, want: cty.StringVal("10.1.2.0/24")},
		{expr: `cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162)`, want: cty.StringVal("fd00:fd12:3456:7800:a200::/72")},
		// Wider than 64 bits of network number, which 64-bit arithmetic
		// would get wrong.
		{expr: `cidrsubnet("fd00::/16", 80, 1208925819614629174706175)`, want: cty.StringVal("fd00:ffff:ffff:ffff:ffff:ffff::/96")},
		{expr: `cidrsubnet("fd00::/16", 64, 18446744073709551616)`, wantErr: "prefix extension of 64 does not accommodate a subnet numbered 18446744073709551616"},
		{expr: `cidrsubnet("10.0.0.0/24", 4, 16)`, wantErr: "prefix extension of 4 does not accommodate a subnet numbered 16"},
		{expr: `cidrsubnet("10.0.0.0/24", 4, -1)`, wantErr: "netnum must not be negative"},
		{expr: `cidrsubnet("10.0.0.0/30", 3, 0)`, wantErr: "insufficient address space to extend prefix of 30 by 3"},
		{expr: `cidrsubnet("10.0.0.0/24", -1, 0)`, wantErr: "newbits must not be negative"},
		{expr: `cidrsubnet("10.0.0.0/33", 1, 0)`, wantErr: "invalid CIDR expression"},
		{expr: `cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)`, want: strList("10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20")},
		{expr: `cidrsubnets("fd00:fd12:3456:7890::/56", 16, 16, 16, 32)`, want: strList(
			"fd00:fd12:3456:7800::/72",
			"fd00:fd12:3456:7800:100::/72",
			"fd00:fd12:3456:7800:200::/72",
			"fd00:fd12:3456:7800:300::/88",
		)},
		{expr: `cidrsubnets("10.0.0.0/24", 1, 1)`, want: strList("10.0.0.0/25", "10.0.0.128/25")},
		{expr: `cidrsubnets("10.0.0.0/8")`, want: cty.ListValEmpty(cty.String)},
		{expr: `cidrsubnets("10.0.0.0/24", 1, 1, 1)`, wantErr: "not enough remaining address space for a subnet with a prefix of 25 bits after 10.0.0.128/25"},
		{expr: `cidrsubnets("10.0.0.0/24", 2, 1, 1)`, wantErr: "not enough remaining address space for a subnet with a prefix of 25 bits after 10.0.0.128/25"},
		{expr: `cidrsubnets("10.0.0.0/24", 0)`, wantErr: "must extend prefix by at least one bit"},
		{expr: `cidrsubnets("10.0.0.0/24", 9)`, wantErr: "would extend prefix to 33 bits, which is too long for an IPv4 address"},
		{expr: `cidrsubnets("bad", 1)`, wantErr: "invalid CIDR expression"},
	})
}

func TestDateFunctions(t *testing.T) {
	runExprTests(t, t.TempDir(), []exprTest{
		{expr: `formatdate("YYYY-MM-DD hh:mm", "2024-03-05T10:04:00Z")`, want: cty.StringVal("2024-03-05 10:04")},
		{expr: `formatdate("DD MMM YYYY", "not a time")`, wantErr: "not a valid RFC3339 timestamp"},
		{expr: `timeadd("2024-01-01T00:00:00Z", "90m")`, want: cty.StringVal("2024-01-01T01:30:00Z")},
	})
}

func TestTryAndCan(t *testing.T) {
	runExprTests(t, t.TempDir(), []exprTest{
		{expr: `try(obj.a, 0)`, want: num(1)},
		{expr: `try(obj.missing, "fallback")`, want: cty.StringVal("fallback")},
		{expr: `try(tonumber("x"), tonumber("7"), 0)`, want: num(7)},
		{expr: `try(cidrsubnet("10.0.0.0/24", 4, 16), "none")`, want: cty.StringVal("none")},
		{expr: `try(obj.missing, obj.other)`, wantErr: "no expression succeeded"},
		{expr: `can(obj.a)`, want: cty.True},
		{expr: `can(obj.missing)`, want: cty.False},
		{expr: `can(regex("^[a-z]+$", "abc"))`, want: cty.True},
		{expr: `can(regex("^[a-z]+$", "ABC"))`, want: cty.False},
		{expr: `can(file("no-such-file"))`, want: cty.False},
	})
}

// TestMarks checks that sensitivity survives every kind of function: those
// the cty function machinery wraps automatically, those that handle marks
// themselves, and those whose error messages could otherwise leak a value.
func TestMarks(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "hidden-name.txt"), "top secret")
	runExprTests(t, dir, []exprTest{
		{expr: `upper(secret)`, want: cty.StringVal("HUNTER2").Mark(sensitive)},
		{expr: `replace(secret, "/h/", "H")`, want: cty.StringVal("Hunter2").Mark(sensitive)},
		{expr: `sha256(secret)`, want: cty.StringVal("f52fbd32b2b3b86ff88ef6c490628285f482af15ddcb29541f94bcf526a3f6c7").Mark(sensitive)},
		{expr: `length(secret)`, want: num(7).Mark(sensitive)},
		{expr: `length(secretlist)`, want: num(2).Mark(sensitive)},
		{expr: `length([secret, "x"])`, want: num(2)},
		{expr: `lookup({a = secret}, "a")`, want: cty.StringVal("hunter2").Mark(sensitive)},
		{expr: `lookup({a = "x"}, "b", secret)`, want: cty.StringVal("hunter2").Mark(sensitive)},
		{expr: `lookup(strmap, secret, "d")`, want: cty.StringVal("d").Mark(sensitive)},
		{expr: `coalesce("", secret)`, want: cty.StringVal("hunter2").Mark(sensitive)},
		{expr: `alltrue([secretbool, true])`, want: cty.True.Mark(sensitive)},
		{expr: `join(",", secretlist)`, want: cty.StringVal("a,b").Mark(sensitive)},
		{expr: `startswith(secret, "hun")`, want: cty.True.Mark(sensitive)},
		{expr: `file(secretpath)`, want: cty.StringVal("top secret").Mark(sensitive)},
		{expr: `fileexists(secretpath)`, want: cty.True.Mark(sensitive)},
		{expr: `tostring(secret)`, want: cty.StringVal("hunter2").Mark(sensitive)},
		{expr: `try(secret, "x")`, want: cty.StringVal("hunter2").Mark(sensitive)},
	})

	// Errors involving sensitive values must not echo them.
	for _, src := range []string{
		`lookup(strmap, secret)`,
		`file("${secretpath}.missing")`,
		`templatefile("${secretpath}.missing", {})`,
	} {
		t.Run(src, func(t *testing.T) {
			_, diags := evalExpr(t, dir, src)
			if !diags.HasErrors() {
				t.Fatal("expected an error")
			}
			msg := diags.Error()
			if strings.Contains(msg, "hunter2") || strings.Contains(msg, "hidden-name") {
				t.Fatalf("error leaks sensitive value: %s", msg)
			}
			if !strings.Contains(msg, "(sensitive value)") {
				t.Fatalf("error does not mention the redacted value: %s", msg)
			}
		})
	}
}

// TestUnknowns checks that unknown inputs produce unknown results of the
// right type rather than errors, since configuration is evaluated before
// apply when many values are not yet known.
func TestUnknowns(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		expr     string
		wantType cty.Type
	}{
		{`upper(unkstr)`, cty.String},
		{`length(unkstr)`, cty.Number},
		{`length(unklist)`, cty.Number},
		{`alltrue([true, unkbool])`, cty.Bool},
		{`anytrue([false, unkbool])`, cty.Bool},
		{`lookup(strmap, unkstr, "d")`, cty.String},
		{`index(["a", unkstr], "b")`, cty.Number},
		{`sum([1, tonumber(unkstr)])`, cty.Number},
		{`one(unklist)`, cty.String},
		{`coalesce(unkstr, "x")`, cty.String},
		{`replace(unkstr, "/a/", "b")`, cty.String},
		{`cidrsubnet(unkstr, 4, 1)`, cty.String},
		{`file(unkstr)`, cty.String},
		{`templatefile(unkstr, {})`, cty.DynamicPseudoType},
		{`sha256(unkstr)`, cty.String},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			got, diags := evalExpr(t, dir, tc.expr)
			if diags.HasErrors() {
				t.Fatalf("unexpected error: %s", diags.Error())
			}
			if got.IsKnown() {
				t.Fatalf("expected unknown result, got %#v", got)
			}
			if !got.Type().Equals(tc.wantType) {
				t.Fatalf("wrong type %#v, want %#v", got.Type(), tc.wantType)
			}
		})
	}

	// A decisive known element settles the answer even when others are
	// unknown.
	runExprTests(t, dir, []exprTest{
		{expr: `alltrue([false, unkbool])`, want: cty.False},
		{expr: `anytrue([true, unkbool])`, want: cty.True},
		{expr: `length([unkstr, "x"])`, want: num(2)},
		{expr: `index(["a", unkstr], "a")`, want: num(0)},
	})
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFileFunctions(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "hello.txt"), "Hello, world!\n")
	writeFile(t, filepath.Join(dir, "sub", "nested.txt"), "nested")
	if err := os.WriteFile(filepath.Join(dir, "binary.dat"), []byte{0xff, 0xfe, 0x00}, 0o644); err != nil {
		t.Fatal(err)
	}
	abs := filepath.Join(dir, "hello.txt")

	runExprTests(t, dir, []exprTest{
		{expr: `file("hello.txt")`, want: cty.StringVal("Hello, world!\n")},
		{expr: `file("sub/nested.txt")`, want: cty.StringVal("nested")},
		{expr: `file("${dir}/hello.txt")`, want: cty.StringVal("Hello, world!\n")},
		{expr: `chomp(file("hello.txt"))`, want: cty.StringVal("Hello, world!")},
		{expr: `file("missing.txt")`, wantErr: `no file exists at "missing.txt"`},
		{expr: `file("missing.txt")`, wantErr: "relative paths are resolved against the working directory"},
		{expr: `file("sub")`, wantErr: `failed to read "sub"`},
		{expr: `file("binary.dat")`, wantErr: `contents of "binary.dat" are not valid UTF-8`},
		{expr: `fileexists("hello.txt")`, want: cty.True},
		{expr: `fileexists("` + filepath.ToSlash(abs) + `")`, want: cty.True},
		{expr: `fileexists("missing.txt")`, want: cty.False},
		{expr: `fileexists("sub")`, wantErr: `"sub" is not a regular file`},
	})
}

// TestFileRelativeToBaseDir guards against resolving paths against the
// process working directory, which would make a module's behaviour depend
// on where the engine was started.
func TestFileRelativeToBaseDir(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "only-here.txt"), "found")
	t.Chdir(t.TempDir())

	got, diags := evalExpr(t, dir, `file("only-here.txt")`)
	if diags.HasErrors() {
		t.Fatalf("unexpected error: %s", diags.Error())
	}
	if !got.RawEquals(cty.StringVal("found")) {
		t.Fatalf("wrong result %#v", got)
	}
}

func TestTemplateFile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "greeting.tmpl"), "Hello, ${name}!%{ for s in items } [${upper(s)}]%{ endfor }")
	writeFile(t, filepath.Join(dir, "config.tmpl"), "${jsonencode({port = port, hosts = [for h in hosts : \"${h}.internal\"]})}")
	writeFile(t, filepath.Join(dir, "single.tmpl"), "${value}")
	writeFile(t, filepath.Join(dir, "reads-file.tmpl"), "%{ if fileexists(\"data.txt\") }${trimspace(file(\"data.txt\"))}%{ else }none%{ endif }")
	writeFile(t, filepath.Join(dir, "data.txt"), "  payload \n")
	writeFile(t, filepath.Join(dir, "self.tmpl"), "${templatefile(\"self.tmpl\", {})}")
	writeFile(t, filepath.Join(dir, "other.tmpl"), "${templatefile(\"single.tmpl\", { value = 1 })}")
	writeFile(t, filepath.Join(dir, "broken.tmpl"), "${")
	writeFile(t, filepath.Join(dir, "badcall.tmpl"), "${cidrsubnet(\"10.0.0.0/24\", 4, 16)}")
	writeFile(t, filepath.Join(dir, "nested", "inner.tmpl"), "inner ${x}")

	runExprTests(t, dir, []exprTest{
		{expr: `templatefile("greeting.tmpl", { name = "Ada", items = ["a", "b"] })`, want: cty.StringVal("Hello, Ada! [A] [B]")},
		{expr: `templatefile("config.tmpl", { port = 8080, hosts = ["db", "cache"] })`, want: cty.StringVal(`{"hosts":["db.internal","cache.internal"],"port":8080}`)},
		{expr: `templatefile("greeting.tmpl", tomap({ name = "Ada", items = "x" }))`, wantErr: "failed to render template"},
		// A lone interpolation yields the value itself, not its string form.
		{expr: `templatefile("single.tmpl", { value = [1, 2] })`, want: cty.TupleVal([]cty.Value{num(1), num(2)})},
		{expr: `templatefile("reads-file.tmpl", {})`, want: cty.StringVal("payload")},
		{expr: `templatefile("nested/inner.tmpl", { x = 1 })`, want: cty.StringVal("inner 1")},
		{expr: `templatefile("greeting.tmpl", { name = "Ada" })`, wantErr: `vars map does not contain key "items", referenced at greeting.tmpl:1,`},
		{expr: `templatefile("single.tmpl", { "1abc" = 1, value = 2 })`, wantErr: `invalid template variable name "1abc"`},
		{expr: `templatefile("single.tmpl", "nope")`, wantErr: "must be a map or object"},
		{expr: `templatefile("single.tmpl", null)`, wantErr: "must not be null"},
		{expr: `templatefile("missing.tmpl", {})`, wantErr: `no file exists at "missing.tmpl"`},
		{expr: `templatefile("broken.tmpl", {})`, wantErr: "failed to parse template"},
		{expr: `templatefile("badcall.tmpl", {})`, wantErr: "does not accommodate a subnet numbered 16"},
		{expr: `templatefile("self.tmpl", {})`, wantErr: "recursive templates are not allowed"},
		{expr: `templatefile("other.tmpl", {})`, wantErr: "recursive templates are not allowed"},
		{expr: `try(templatefile("self.tmpl", {}), "refused")`, want: cty.StringVal("refused")},
	})
}

func TestFunctionTable(t *testing.T) {
	required := strings.Fields(`
		abs ceil floor log max min pow signum parseint
		chomp format formatlist indent join lower upper regex regexall replace
		split strrev substr title trim trimprefix trimsuffix trimspace
		startswith endswith strcontains
		alltrue anytrue chunklist coalesce coalescelist compact concat contains
		distinct element flatten index keys length lookup merge one range reverse
		setintersection setproduct setsubtract setunion slice sort sum transpose
		values zipmap
		base64encode base64decode csvdecode jsonencode jsondecode urlencode
		yamlencode yamldecode
		tostring tonumber tobool tolist toset tomap
		cidrhost cidrnetmask cidrsubnet cidrsubnets
		file fileexists templatefile
		try can
		sha256 sha1 md5 base64sha256 formatdate
	`)
	fns := Functions(t.TempDir())
	for _, name := range required {
		if _, ok := fns[name]; !ok {
			t.Errorf("missing function %q", name)
		}
	}
	for _, name := range []string{"uuid", "timestamp", "bcrypt", "plantimestamp"} {
		if _, ok := fns[name]; ok {
			t.Errorf("non-deterministic function %q must not be offered", name)
		}
	}

	// Callers may customise the table for one module without affecting
	// another.
	delete(fns, "file")
	if _, ok := Functions(t.TempDir())["file"]; !ok {
		t.Error("Functions returned a shared map")
	}
}

func TestAbsPath(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(t.TempDir())
	for expr, want := range map[string]string{
		`abspath("backups")`:     filepath.Join(dir, "backups"),
		`abspath("./a/../b/")`:   filepath.Join(dir, "b"),
		`abspath("/srv/x/../y")`: "/srv/y",
		`abspath(".")`:           dir,
	} {
		got, diags := evalExpr(t, dir, expr)
		if diags.HasErrors() {
			t.Fatalf("%s: %s", expr, diags.Error())
		}
		if !got.RawEquals(cty.StringVal(want)) {
			t.Errorf("%s = %#v, want %q", expr, got, want)
		}
	}
}
