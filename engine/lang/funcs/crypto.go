package funcs

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"hash"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// md5 and sha1 are offered for interoperability with systems that expect
// those digests (e.g. object storage ETags), not for security.

// Md5Func returns the hex MD5 digest of a string's UTF-8 bytes.
var Md5Func = makeHashFunc("MD5", md5.New, hex.EncodeToString)

// Sha1Func returns the hex SHA-1 digest of a string's UTF-8 bytes.
var Sha1Func = makeHashFunc("SHA-1", sha1.New, hex.EncodeToString)

// Sha256Func returns the hex SHA-256 digest of a string's UTF-8 bytes.
var Sha256Func = makeHashFunc("SHA-256", sha256.New, hex.EncodeToString)

// Sha512Func returns the hex SHA-512 digest of a string's UTF-8 bytes.
var Sha512Func = makeHashFunc("SHA-512", sha512.New, hex.EncodeToString)

// Base64Sha256Func returns the base64 encoding of the raw SHA-256 digest,
// which is not the same as base64encode(sha256(...)): the latter encodes the
// hex text. Several cloud APIs expect this form for content hashes.
var Base64Sha256Func = makeHashFunc("SHA-256", sha256.New, base64.StdEncoding.EncodeToString)

// Base64Sha512Func is the SHA-512 counterpart of Base64Sha256Func.
var Base64Sha512Func = makeHashFunc("SHA-512", sha512.New, base64.StdEncoding.EncodeToString)

func makeHashFunc(algo string, newHash func() hash.Hash, encode func([]byte) string) function.Function {
	return function.New(&function.Spec{
		Description: "Computes the " + algo + " digest of the UTF-8 bytes of the given string.",
		Params: []function.Parameter{
			{Name: "str", Type: cty.String},
		},
		Type:         function.StaticReturnType(cty.String),
		RefineResult: refineNotNull,
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			h := newHash()
			h.Write([]byte(args[0].AsString()))
			return cty.StringVal(encode(h.Sum(nil))), nil
		},
	})
}
