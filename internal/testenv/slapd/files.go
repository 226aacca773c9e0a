package slapd

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// writeCerts generates a CA and a server certificate signed by it (ECDSA P-256, SAN IP:127.0.0.1,
// IP:::1 and DNS:localhost) with crypto/x509, and writes ca.pem, server.pem and server.key
// (PKCS#8) into dir. slapd (GnuTLS on Debian) reads all three.
func writeCerts(dir string) (caFile, certFile, keyFile string, err error) {
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", "", err
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               pkix.Name{CommonName: "steward test slapd CA", Organization: []string{"steward tests"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return "", "", "", fmt.Errorf("create CA certificate: %w", err)
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return "", "", "", err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", "", err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               pkix.Name{CommonName: "127.0.0.1", Organization: []string{"steward tests"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		return "", "", "", fmt.Errorf("create server certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", "", "", err
	}
	caFile = filepath.Join(dir, "ca.pem")
	certFile = filepath.Join(dir, "server.pem")
	keyFile = filepath.Join(dir, "server.key")
	for _, f := range []struct {
		path, typ string
		der       []byte
		mode      os.FileMode
	}{
		{caFile, "CERTIFICATE", caDER, 0o644},
		{certFile, "CERTIFICATE", der, 0o644},
		{keyFile, "PRIVATE KEY", keyDER, 0o600},
	} {
		if err := os.WriteFile(f.path, pem.EncodeToMemory(&pem.Block{Type: f.typ, Bytes: f.der}), f.mode); err != nil {
			return "", "", "", err
		}
	}
	return caFile, certFile, keyFile, nil
}

func randomSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		panic(err)
	}
	return n.Add(n, big.NewInt(1))
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// SSHA returns password hashed as slapd's {SSHA} scheme (salted SHA-1, as slappasswd makes it):
// "{SSHA}" + base64(SHA1(password + salt) + salt) with an 8-byte random salt.
func SSHA(password string) string {
	salt := make([]byte, 8)
	if _, err := rand.Read(salt); err != nil {
		panic(err)
	}
	h := sha1.New()
	h.Write([]byte(password))
	h.Write(salt)
	return "{SSHA}" + base64.StdEncoding.EncodeToString(append(h.Sum(nil), salt...))
}

// quote quotes a slapd.conf argument (paths may hold spaces: t.TempDir keeps them from test names).
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// slapdConf is the server's slapd.conf. slapd.conf rejects comments at the end of a line ("extra
// cruft after"), so every comment has a line of its own.
func slapdConf(dir, rootPW, caFile, certFile, keyFile string, with24Schema bool) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("# steward test slapd (internal/testenv/slapd): generated for one test, thrown away with it.")
	for _, s := range []string{"core", "cosine", "inetorgperson", "nis"} {
		p("include %s", quote(filepath.Join(SchemaDir, s+".schema")))
	}
	// openssh-lpk: where directories keep users' SSH public keys.
	p("include %s", quote(filepath.Join(dir, "openssh-lpk.schema")))
	if with24Schema {
		// OpenLDAP 2.4 ships the ppolicy schema as a file; 2.5 builds it into the overlay.
		p("include %s", quote(filepath.Join(SchemaDir, "ppolicy.schema")))
	}
	p("pidfile %s", quote(filepath.Join(dir, "slapd.pid")))
	p("argsfile %s", quote(filepath.Join(dir, "slapd.args")))
	p("modulepath %s", quote(ModuleDir))
	p("moduleload back_mdb")
	p("moduleload memberof")
	p("moduleload ppolicy")
	p("TLSCACertificateFile %s", quote(caFile))
	p("TLSCertificateFile %s", quote(certFile))
	p("TLSCertificateKeyFile %s", quote(keyFile))
	p("TLSVerifyClient never")
	// Userpassword values a client sends in clear text (Password Modify extended operation, or
	// add/modify with ppolicy_hash_cleartext below) are stored with this scheme.
	p("password-hash {SSHA}")
	p("")
	p("database mdb")
	p("suffix %s", quote(BaseDN))
	p("rootdn %s", quote(AdminDN))
	p("rootpw %s", rootPW)
	p("directory %s", quote(filepath.Join(dir, "data")))
	// The default map size (10 MiB) is too small for a 10,000-user benchmark; the file is sparse.
	p("maxsize 4294967296")
	p("dbnosync")
	p("index objectClass eq")
	p("index uid,cn,ou,mail,member,memberUid,uidNumber,gidNumber,entryUUID eq")
	// No size or time limit for anyone (the default soft limit is 500 entries for non-root
	// identities), and paged results allowed without limit of page size or total.
	p("sizelimit size.soft=unlimited size.hard=unlimited size.pr=unlimited size.prtotal=unlimited")
	p("timelimit unlimited")
	p("limits * size.soft=unlimited size.hard=unlimited size.pr=unlimited size.prtotal=unlimited time=unlimited")
	// Users may change their own password and authenticate with it; nobody else reads it. Everything
	// else is readable by everyone (the admin, as rootdn, is above the ACLs).
	p("access to attrs=userPassword,shadowLastChange by self write by anonymous auth by * none")
	p("access to * by * read")
	// memberOf on the members of every groupOfNames (operational: ask for it by name, or "+").
	p("overlay memberof")
	p("memberof-group-oc groupOfNames")
	p("memberof-member-ad member")
	p("memberof-memberof-ad memberOf")
	p("memberof-refint TRUE")
	// Password policy: the default policy below has pwdLockout TRUE, so pwdAccountLockedTime locks.
	p("overlay ppolicy")
	p("ppolicy_default %s", quote(DefaultPolicyDN))
	p("ppolicy_hash_cleartext")
	// No ppolicy_use_lockout: a bind to a locked account fails with invalidCredentials, and the
	// password policy response control (when asked for) carries no error either, so a client cannot
	// tell a locked account from a wrong password (internal/lab/directory mimics this).
	return b.String()
}

// baseLDIF holds the entries slapadd loads before the first start.
const baseLDIF = `dn: ` + BaseDN + `
objectClass: top
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ` + PeopleDN + `
objectClass: top
objectClass: organizationalUnit
ou: people

dn: ` + GroupsDN + `
objectClass: top
objectClass: organizationalUnit
ou: groups

dn: ` + DisabledDN + `
objectClass: top
objectClass: organizationalUnit
ou: disabled

dn: ` + PoliciesDN + `
objectClass: top
objectClass: organizationalUnit
ou: policies

dn: ` + DefaultPolicyDN + `
objectClass: top
objectClass: organizationalRole
objectClass: pwdPolicy
cn: default
pwdAttribute: userPassword
pwdLockout: TRUE
pwdMaxFailure: 0
pwdLockoutDuration: 0
pwdAllowUserChange: TRUE
pwdMustChange: FALSE
pwdCheckQuality: 0
pwdInHistory: 0
`

// opensshLPKSchema is the openssh-lpk schema (sshPublicKey on the
// ldapPublicKey auxiliary class), which Debian does not ship.
const opensshLPKSchema = `attributetype ( 1.3.6.1.4.1.24552.500.1.1.1.13 NAME 'sshPublicKey'
	DESC 'OpenSSH public key'
	EQUALITY octetStringMatch
	SYNTAX 1.3.6.1.4.1.1466.115.121.1.40 )
objectclass ( 1.3.6.1.4.1.24552.500.1.1.2.0 NAME 'ldapPublicKey' SUP top AUXILIARY
	DESC 'OpenSSH public keys of a user'
	MAY ( sshPublicKey $ uid ) )
`
