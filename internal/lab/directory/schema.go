package directory

import (
	"fmt"
	"strings"
)

// The schema is that of a slapd with the core, cosine, inetorgperson and
// nis schemas, openssh-lpk (sshPublicKey), and the ppolicy (pwdPolicy and
// the operational pwd* attributes) and memberof overlays loaded: the attribute types and object classes a directory of
// people and groups uses, with their real OIDs, matching rules and flags.

// syntaxes by short name: OID and description.
var syntaxes = map[string][2]string{
	"dstr":   {"1.3.6.1.4.1.1466.115.121.1.15", "Directory String"},
	"ia5":    {"1.3.6.1.4.1.1466.115.121.1.26", "IA5 String"},
	"pstr":   {"1.3.6.1.4.1.1466.115.121.1.44", "Printable String"},
	"cstr":   {"1.3.6.1.4.1.1466.115.121.1.11", "Country String"},
	"num":    {"1.3.6.1.4.1.1466.115.121.1.36", "Numeric String"},
	"dn":     {"1.3.6.1.4.1.1466.115.121.1.12", "Distinguished Name"},
	"nuid":   {"1.3.6.1.4.1.1466.115.121.1.34", "Name And Optional UID"},
	"int":    {"1.3.6.1.4.1.1466.115.121.1.27", "Integer"},
	"oct":    {"1.3.6.1.4.1.1466.115.121.1.40", "Octet String"},
	"bin":    {"1.3.6.1.4.1.1466.115.121.1.5", "Binary"},
	"time":   {"1.3.6.1.4.1.1466.115.121.1.24", "Generalized Time"},
	"bool":   {"1.3.6.1.4.1.1466.115.121.1.7", "Boolean"},
	"oid":    {"1.3.6.1.4.1.1466.115.121.1.38", "OID"},
	"tel":    {"1.3.6.1.4.1.1466.115.121.1.50", "Telephone Number"},
	"fax":    {"1.3.6.1.4.1.1466.115.121.1.22", "Facsimile Telephone Number"},
	"telex":  {"1.3.6.1.4.1.1466.115.121.1.52", "Telex Number"},
	"ttx":    {"1.3.6.1.4.1.1466.115.121.1.51", "Teletex Terminal Identifier"},
	"postal": {"1.3.6.1.4.1.1466.115.121.1.41", "Postal Address"},
	"guide":  {"1.3.6.1.4.1.1466.115.121.1.25", "Guide"},
	"dmeth":  {"1.3.6.1.4.1.1466.115.121.1.14", "Delivery Method"},
	"jpeg":   {"1.3.6.1.4.1.1466.115.121.1.28", "JPEG"},
	"cert":   {"1.3.6.1.4.1.1466.115.121.1.8", "Certificate"},
	"bits":   {"1.3.6.1.4.1.1466.115.121.1.6", "Bit String"},
	"atdesc": {"1.3.6.1.4.1.1466.115.121.1.3", "Attribute Type Description"},
	"ocdesc": {"1.3.6.1.4.1.1466.115.121.1.37", "Object Class Description"},
	"uuid":   {"1.3.6.1.1.16.1", "UUID"},
	"csn":    {"1.3.6.1.4.1.4203.666.11.2.1", "CSN"},
}

// attributeTable: OID, names (comma-separated, canonical first), syntax,
// equality, substrings and ordering rules ("-" for none), and flags:
// single (SINGLE-VALUE), nomod (NO-USER-MODIFICATION), dirop
// (directoryOperation) and dsaop (dSAOperation).
const attributeTable = `
2.5.4.0 objectClass oid objectIdentifierMatch - - -
2.5.4.3 cn,commonName dstr caseIgnoreMatch caseIgnoreSubstringsMatch - -
2.5.4.4 sn,surname dstr caseIgnoreMatch caseIgnoreSubstringsMatch - -
2.5.4.5 serialNumber pstr caseIgnoreMatch caseIgnoreSubstringsMatch - -
2.5.4.6 c,countryName cstr caseIgnoreMatch caseIgnoreSubstringsMatch - single
2.5.4.7 l,localityName dstr caseIgnoreMatch caseIgnoreSubstringsMatch - -
2.5.4.8 st,stateOrProvinceName dstr caseIgnoreMatch caseIgnoreSubstringsMatch - -
2.5.4.9 street,streetAddress dstr caseIgnoreMatch caseIgnoreSubstringsMatch - -
2.5.4.10 o,organizationName dstr caseIgnoreMatch caseIgnoreSubstringsMatch - -
2.5.4.11 ou,organizationalUnitName dstr caseIgnoreMatch caseIgnoreSubstringsMatch - -
2.5.4.12 title dstr caseIgnoreMatch caseIgnoreSubstringsMatch - -
2.5.4.13 description dstr caseIgnoreMatch caseIgnoreSubstringsMatch - -
2.5.4.14 searchGuide guide - - - -
2.5.4.15 businessCategory dstr caseIgnoreMatch caseIgnoreSubstringsMatch - -
2.5.4.16 postalAddress postal caseIgnoreListMatch caseIgnoreListSubstringsMatch - -
2.5.4.17 postalCode dstr caseIgnoreMatch caseIgnoreSubstringsMatch - -
2.5.4.18 postOfficeBox dstr caseIgnoreMatch caseIgnoreSubstringsMatch - -
2.5.4.19 physicalDeliveryOfficeName dstr caseIgnoreMatch caseIgnoreSubstringsMatch - -
2.5.4.20 telephoneNumber tel telephoneNumberMatch telephoneNumberSubstringsMatch - -
2.5.4.21 telexNumber telex - - - -
2.5.4.22 teletexTerminalIdentifier ttx - - - -
2.5.4.23 facsimileTelephoneNumber,fax fax - - - -
2.5.4.24 x121Address num numericStringMatch numericStringSubstringsMatch - -
2.5.4.25 internationaliSDNNumber num numericStringMatch numericStringSubstringsMatch - -
2.5.4.26 registeredAddress postal caseIgnoreListMatch caseIgnoreListSubstringsMatch - -
2.5.4.27 destinationIndicator pstr caseIgnoreMatch caseIgnoreSubstringsMatch - -
2.5.4.28 preferredDeliveryMethod dmeth - - - single
2.5.4.31 member dn distinguishedNameMatch - - -
2.5.4.32 owner dn distinguishedNameMatch - - -
2.5.4.33 roleOccupant dn distinguishedNameMatch - - -
2.5.4.34 seeAlso dn distinguishedNameMatch - - -
2.5.4.35 userPassword oct octetStringMatch - - -
2.5.4.36 userCertificate cert certificateExactMatch - - -
2.5.4.42 givenName,gn dstr caseIgnoreMatch caseIgnoreSubstringsMatch - -
2.5.4.43 initials dstr caseIgnoreMatch caseIgnoreSubstringsMatch - -
2.5.4.44 generationQualifier dstr caseIgnoreMatch caseIgnoreSubstringsMatch - -
2.5.4.45 x500UniqueIdentifier bits bitStringMatch - - -
2.5.4.46 dnQualifier pstr caseIgnoreMatch caseIgnoreSubstringsMatch caseIgnoreOrderingMatch -
2.5.4.50 uniqueMember nuid uniqueMemberMatch - - -
0.9.2342.19200300.100.1.1 uid,userid dstr caseIgnoreMatch caseIgnoreSubstringsMatch - -
0.9.2342.19200300.100.1.3 mail,rfc822Mailbox ia5 caseIgnoreIA5Match caseIgnoreIA5SubstringsMatch - -
0.9.2342.19200300.100.1.6 roomNumber dstr caseIgnoreMatch caseIgnoreSubstringsMatch - -
0.9.2342.19200300.100.1.7 photo fax - - - -
0.9.2342.19200300.100.1.9 host dstr caseIgnoreMatch caseIgnoreSubstringsMatch - -
0.9.2342.19200300.100.1.10 manager dn distinguishedNameMatch - - -
0.9.2342.19200300.100.1.20 homePhone,homeTelephoneNumber tel telephoneNumberMatch telephoneNumberSubstringsMatch - -
0.9.2342.19200300.100.1.21 secretary dn distinguishedNameMatch - - -
0.9.2342.19200300.100.1.25 dc,domainComponent ia5 caseIgnoreIA5Match caseIgnoreIA5SubstringsMatch - single
0.9.2342.19200300.100.1.37 associatedDomain ia5 caseIgnoreIA5Match caseIgnoreIA5SubstringsMatch - -
0.9.2342.19200300.100.1.39 homePostalAddress postal caseIgnoreListMatch caseIgnoreListSubstringsMatch - -
0.9.2342.19200300.100.1.41 mobile,mobileTelephoneNumber tel telephoneNumberMatch telephoneNumberSubstringsMatch - -
0.9.2342.19200300.100.1.42 pager,pagerTelephoneNumber tel telephoneNumberMatch telephoneNumberSubstringsMatch - -
0.9.2342.19200300.100.1.55 audio oct - - - -
0.9.2342.19200300.100.1.60 jpegPhoto jpeg - - - -
2.16.840.1.113730.3.1.1 carLicense dstr caseIgnoreMatch caseIgnoreSubstringsMatch - -
2.16.840.1.113730.3.1.2 departmentNumber dstr caseIgnoreMatch caseIgnoreSubstringsMatch - -
2.16.840.1.113730.3.1.3 employeeNumber dstr caseIgnoreMatch caseIgnoreSubstringsMatch - single
2.16.840.1.113730.3.1.4 employeeType dstr caseIgnoreMatch caseIgnoreSubstringsMatch - -
2.16.840.1.113730.3.1.39 preferredLanguage dstr caseIgnoreMatch caseIgnoreSubstringsMatch - single
2.16.840.1.113730.3.1.40 userSMIMECertificate bin - - - -
2.16.840.1.113730.3.1.216 userPKCS12 bin - - - -
2.16.840.1.113730.3.1.241 displayName dstr caseIgnoreMatch caseIgnoreSubstringsMatch - single
1.3.6.1.4.1.250.1.57 labeledURI dstr caseExactMatch - - -
1.3.6.1.1.1.1.0 uidNumber int integerMatch - integerOrderingMatch single
1.3.6.1.1.1.1.1 gidNumber int integerMatch - integerOrderingMatch single
1.3.6.1.1.1.1.2 gecos ia5 caseIgnoreIA5Match caseIgnoreIA5SubstringsMatch - single
1.3.6.1.1.1.1.3 homeDirectory ia5 caseExactIA5Match - - single
1.3.6.1.1.1.1.4 loginShell ia5 caseExactIA5Match - - single
1.3.6.1.1.1.1.5 shadowLastChange int integerMatch - integerOrderingMatch single
1.3.6.1.1.1.1.6 shadowMin int integerMatch - integerOrderingMatch single
1.3.6.1.1.1.1.7 shadowMax int integerMatch - integerOrderingMatch single
1.3.6.1.1.1.1.8 shadowWarning int integerMatch - integerOrderingMatch single
1.3.6.1.1.1.1.9 shadowInactive int integerMatch - integerOrderingMatch single
1.3.6.1.1.1.1.10 shadowExpire int integerMatch - integerOrderingMatch single
1.3.6.1.1.1.1.11 shadowFlag int integerMatch - integerOrderingMatch single
1.3.6.1.1.1.1.12 memberUid ia5 caseExactIA5Match caseExactIA5SubstringsMatch - -
1.3.6.1.4.1.24552.500.1.1.1.13 sshPublicKey oct octetStringMatch - - -
1.3.6.1.4.1.42.2.27.8.1.1 pwdAttribute oid objectIdentifierMatch - - single
1.3.6.1.4.1.42.2.27.8.1.2 pwdMinAge int integerMatch - integerOrderingMatch single
1.3.6.1.4.1.42.2.27.8.1.3 pwdMaxAge int integerMatch - integerOrderingMatch single
1.3.6.1.4.1.42.2.27.8.1.4 pwdInHistory int integerMatch - integerOrderingMatch single
1.3.6.1.4.1.42.2.27.8.1.5 pwdCheckQuality int integerMatch - integerOrderingMatch single
1.3.6.1.4.1.42.2.27.8.1.6 pwdMinLength int integerMatch - integerOrderingMatch single
1.3.6.1.4.1.42.2.27.8.1.7 pwdExpireWarning int integerMatch - integerOrderingMatch single
1.3.6.1.4.1.42.2.27.8.1.8 pwdGraceAuthNLimit int integerMatch - integerOrderingMatch single
1.3.6.1.4.1.42.2.27.8.1.9 pwdLockout bool booleanMatch - - single
1.3.6.1.4.1.42.2.27.8.1.10 pwdLockoutDuration int integerMatch - integerOrderingMatch single
1.3.6.1.4.1.42.2.27.8.1.11 pwdMaxFailure int integerMatch - integerOrderingMatch single
1.3.6.1.4.1.42.2.27.8.1.12 pwdFailureCountInterval int integerMatch - integerOrderingMatch single
1.3.6.1.4.1.42.2.27.8.1.13 pwdMustChange bool booleanMatch - - single
1.3.6.1.4.1.42.2.27.8.1.14 pwdAllowUserChange bool booleanMatch - - single
1.3.6.1.4.1.42.2.27.8.1.15 pwdSafeModify bool booleanMatch - - single
1.3.6.1.4.1.42.2.27.8.1.16 pwdChangedTime time generalizedTimeMatch - generalizedTimeOrderingMatch single,nomod,dirop
1.3.6.1.4.1.42.2.27.8.1.17 pwdAccountLockedTime time generalizedTimeMatch - generalizedTimeOrderingMatch single,dirop
1.3.6.1.4.1.42.2.27.8.1.19 pwdFailureTime time generalizedTimeMatch - generalizedTimeOrderingMatch nomod,dirop
1.3.6.1.4.1.42.2.27.8.1.20 pwdHistory oct octetStringMatch - - nomod,dirop
1.3.6.1.4.1.42.2.27.8.1.21 pwdGraceUseTime time generalizedTimeMatch - - nomod,dirop
1.3.6.1.4.1.42.2.27.8.1.22 pwdReset bool booleanMatch - - single,dirop
1.3.6.1.4.1.42.2.27.8.1.23 pwdPolicySubentry dn distinguishedNameMatch - - single,dirop
2.5.18.1 createTimestamp time generalizedTimeMatch - generalizedTimeOrderingMatch single,nomod,dirop
2.5.18.2 modifyTimestamp time generalizedTimeMatch - generalizedTimeOrderingMatch single,nomod,dirop
2.5.18.3 creatorsName dn distinguishedNameMatch - - single,nomod,dirop
2.5.18.4 modifiersName dn distinguishedNameMatch - - single,nomod,dirop
2.5.18.9 hasSubordinates bool booleanMatch - - single,nomod,dirop
2.5.18.10 subschemaSubentry dn distinguishedNameMatch - - single,nomod,dirop
2.5.21.9 structuralObjectClass oid objectIdentifierMatch - - single,nomod,dirop
2.5.21.5 attributeTypes atdesc objectIdentifierFirstComponentMatch - - dirop
2.5.21.6 objectClasses ocdesc objectIdentifierFirstComponentMatch - - dirop
1.3.6.1.1.16.4 entryUUID uuid UUIDMatch - UUIDOrderingMatch single,nomod,dirop
1.3.6.1.1.20 entryDN dn distinguishedNameMatch - - single,nomod,dirop
1.3.6.1.4.1.4203.666.1.7 entryCSN csn CSNMatch - CSNOrderingMatch single,nomod,dirop
1.2.840.113556.1.2.102 memberOf dn distinguishedNameMatch - - nomod,dsaop
1.3.6.1.4.1.1466.101.120.5 namingContexts dn - - - nomod,dsaop
1.3.6.1.4.1.1466.101.120.7 supportedExtension oid objectIdentifierMatch - - nomod,dsaop
1.3.6.1.4.1.1466.101.120.13 supportedControl oid objectIdentifierMatch - - nomod,dsaop
1.3.6.1.4.1.1466.101.120.14 supportedSASLMechanisms dstr - - - nomod,dsaop
1.3.6.1.4.1.1466.101.120.15 supportedLDAPVersion int integerMatch - - nomod,dsaop
1.3.6.1.4.1.4203.1.3.5 supportedFeatures oid objectIdentifierMatch - - nomod,dsaop
`

// attrType is an attribute type of the schema.
type attrType struct {
	oid            string
	names          []string
	syntax         string
	eq, sub, ord   string
	single, noMod  bool
	usage          string // "" (userApplications), directoryOperation, dSAOperation
	lowerCanonical string
}

func (a *attrType) name() string        { return a.names[0] }
func (a *attrType) operational() bool   { return a.usage != "" }
func (a *attrType) isDN() bool          { return a.syntax == "dn" || a.syntax == "nuid" }
func (a *attrType) hasEquality() bool   { return a.eq != "" }
func (a *attrType) hasSubstrings() bool { return a.sub != "" }
func (a *attrType) hasOrdering() bool   { return a.ord != "" }

type ocKind int

const (
	ocAbstract ocKind = iota
	ocStructural
	ocAuxiliary
)

func (k ocKind) String() string {
	return [...]string{"ABSTRACT", "STRUCTURAL", "AUXILIARY"}[k]
}

// objectClass is an object class of the schema.
type objectClass struct {
	oid       string
	names     []string
	kind      ocKind
	sup       string
	must, may []string
	anyAttr   bool // extensibleObject
}

func (o *objectClass) name() string { return o.names[0] }

// people and organisations share a long list of optional attributes.
const orgMay = "userPassword searchGuide seeAlso businessCategory x121Address registeredAddress destinationIndicator preferredDeliveryMethod telexNumber teletexTerminalIdentifier telephoneNumber internationaliSDNNumber facsimileTelephoneNumber street postOfficeBox postalCode postalAddress physicalDeliveryOfficeName st l description"

func objectClassTable(rfc2307bis bool) []*objectClass {
	posixGroup := &objectClass{oid: "1.3.6.1.1.1.2.2", names: []string{"posixGroup"}, kind: ocStructural, sup: "top",
		must: fields("cn gidNumber"), may: fields("userPassword memberUid description")}
	if rfc2307bis {
		posixGroup.kind = ocAuxiliary
		posixGroup.must = fields("gidNumber")
		posixGroup.may = fields("cn userPassword memberUid description")
	}
	return []*objectClass{
		{oid: "2.5.6.0", names: []string{"top"}, kind: ocAbstract, must: fields("objectClass")},
		{oid: "2.5.6.6", names: []string{"person"}, kind: ocStructural, sup: "top",
			must: fields("sn cn"), may: fields("userPassword telephoneNumber seeAlso description")},
		{oid: "2.5.6.7", names: []string{"organizationalPerson"}, kind: ocStructural, sup: "person",
			may: fields("title x121Address registeredAddress destinationIndicator preferredDeliveryMethod telexNumber teletexTerminalIdentifier telephoneNumber internationaliSDNNumber facsimileTelephoneNumber street postOfficeBox postalCode postalAddress physicalDeliveryOfficeName ou st l")},
		{oid: "2.16.840.1.113730.3.2.2", names: []string{"inetOrgPerson"}, kind: ocStructural, sup: "organizationalPerson",
			may: fields("audio businessCategory carLicense departmentNumber displayName employeeNumber employeeType givenName homePhone homePostalAddress initials jpegPhoto labeledURI mail manager mobile o pager photo roomNumber secretary uid userCertificate x500UniqueIdentifier preferredLanguage userSMIMECertificate userPKCS12")},
		{oid: "2.5.6.4", names: []string{"organization"}, kind: ocStructural, sup: "top", must: fields("o"), may: fields(orgMay)},
		{oid: "2.5.6.5", names: []string{"organizationalUnit"}, kind: ocStructural, sup: "top", must: fields("ou"), may: fields(orgMay)},
		{oid: "2.5.6.8", names: []string{"organizationalRole"}, kind: ocStructural, sup: "top", must: fields("cn"),
			may: fields("x121Address registeredAddress destinationIndicator preferredDeliveryMethod telexNumber teletexTerminalIdentifier telephoneNumber internationaliSDNNumber facsimileTelephoneNumber seeAlso roleOccupant street postOfficeBox postalCode postalAddress physicalDeliveryOfficeName ou st l description")},
		{oid: "2.5.6.9", names: []string{"groupOfNames"}, kind: ocStructural, sup: "top",
			must: fields("member cn"), may: fields("businessCategory seeAlso owner ou o description")},
		{oid: "2.5.6.17", names: []string{"groupOfUniqueNames"}, kind: ocStructural, sup: "top",
			must: fields("uniqueMember cn"), may: fields("businessCategory seeAlso owner ou o description")},
		{oid: "1.3.6.1.4.1.1466.344", names: []string{"dcObject"}, kind: ocAuxiliary, sup: "top", must: fields("dc")},
		{oid: "0.9.2342.19200300.100.4.13", names: []string{"domain"}, kind: ocStructural, sup: "top", must: fields("dc"),
			may: fields(orgMay + " o associatedDomain")},
		{oid: "0.9.2342.19200300.100.4.5", names: []string{"account"}, kind: ocStructural, sup: "top", must: fields("uid"),
			may: fields("description seeAlso l o ou host")},
		{oid: "0.9.2342.19200300.100.4.19", names: []string{"simpleSecurityObject"}, kind: ocAuxiliary, sup: "top", must: fields("userPassword")},
		{oid: "1.3.6.1.1.1.2.0", names: []string{"posixAccount"}, kind: ocAuxiliary, sup: "top",
			must: fields("cn uid uidNumber gidNumber homeDirectory"), may: fields("userPassword loginShell gecos description")},
		{oid: "1.3.6.1.1.1.2.1", names: []string{"shadowAccount"}, kind: ocAuxiliary, sup: "top", must: fields("uid"),
			may: fields("userPassword shadowLastChange shadowMin shadowMax shadowWarning shadowInactive shadowExpire shadowFlag description")},
		posixGroup,
		{oid: "1.3.6.1.4.1.24552.500.1.1.2.0", names: []string{"ldapPublicKey"}, kind: ocAuxiliary, sup: "top", may: fields("sshPublicKey uid")},
		{oid: "1.3.6.1.4.1.42.2.27.8.2.1", names: []string{"pwdPolicy"}, kind: ocAuxiliary, sup: "top", must: fields("pwdAttribute"),
			may: fields("pwdMinAge pwdMaxAge pwdInHistory pwdCheckQuality pwdMinLength pwdExpireWarning pwdGraceAuthNLimit pwdLockout pwdLockoutDuration pwdMaxFailure pwdFailureCountInterval pwdMustChange pwdAllowUserChange pwdSafeModify")},
		{oid: "1.3.6.1.4.1.1466.101.120.111", names: []string{"extensibleObject"}, kind: ocAuxiliary, sup: "top", anyAttr: true},
		{oid: "2.5.17.0", names: []string{"subentry"}, kind: ocStructural, sup: "top", must: fields("cn")},
		{oid: "2.5.20.1", names: []string{"subschema"}, kind: ocAuxiliary, may: fields("attributeTypes objectClasses")},
		{oid: "1.3.6.1.4.1.4203.1.4.1", names: []string{"OpenLDAProotDSE", "LDAProotDSE"}, kind: ocStructural, sup: "top"},
	}
}

func fields(s string) []string { return strings.Fields(s) }

// schema indexes attribute types and object classes by lower-case name
// and OID.
type schema struct {
	attrs   map[string]*attrType
	classes map[string]*objectClass
	atList  []*attrType
	ocList  []*objectClass
}

func newSchema(rfc2307bis bool) *schema {
	s := &schema{attrs: map[string]*attrType{}, classes: map[string]*objectClass{}}
	for _, line := range strings.Split(strings.TrimSpace(attributeTable), "\n") {
		fs := strings.Fields(line)
		if len(fs) != 7 {
			panic("directory: bad schema line: " + line)
		}
		dash := func(v string) string {
			if v == "-" {
				return ""
			}
			return v
		}
		at := &attrType{oid: fs[0], names: strings.Split(fs[1], ","), syntax: fs[2], eq: dash(fs[3]), sub: dash(fs[4]), ord: dash(fs[5])}
		if _, ok := syntaxes[at.syntax]; !ok {
			panic("directory: unknown syntax in " + line)
		}
		for _, fl := range strings.Split(dash(fs[6]), ",") {
			switch fl {
			case "single":
				at.single = true
			case "nomod":
				at.noMod = true
			case "dirop":
				at.usage = "directoryOperation"
			case "dsaop":
				at.usage = "dSAOperation"
			case "":
			default:
				panic("directory: unknown flag in " + line)
			}
		}
		at.lowerCanonical = strings.ToLower(at.name())
		s.atList = append(s.atList, at)
		s.attrs[at.oid] = at
		for _, n := range at.names {
			s.attrs[strings.ToLower(n)] = at
		}
	}
	for _, oc := range objectClassTable(rfc2307bis) {
		s.ocList = append(s.ocList, oc)
		s.classes[oc.oid] = oc
		for _, n := range oc.names {
			s.classes[strings.ToLower(n)] = oc
		}
		for _, a := range append(append([]string{}, oc.must...), oc.may...) {
			if s.attrs[strings.ToLower(a)] == nil {
				panic("directory: object class " + oc.name() + " names unknown attribute " + a)
			}
		}
	}
	return s
}

// attr looks an attribute description up: a name or OID, with any options
// (";binary", ";lang-en") ignored.
func (s *schema) attr(desc string) *attrType {
	if i := strings.IndexByte(desc, ';'); i >= 0 {
		desc = desc[:i]
	}
	return s.attrs[strings.ToLower(strings.TrimSpace(desc))]
}

func (s *schema) class(name string) *objectClass {
	return s.classes[strings.ToLower(strings.TrimSpace(name))]
}

// superclasses returns oc and all its superclasses.
func (s *schema) superclasses(oc *objectClass) []*objectClass {
	var out []*objectClass
	for oc != nil {
		out = append(out, oc)
		if oc.sup == "" {
			break
		}
		oc = s.class(oc.sup)
	}
	return out
}

// isSubclass reports whether a is b or inherits from it.
func (s *schema) isSubclass(a, b *objectClass) bool {
	for _, c := range s.superclasses(a) {
		if c == b {
			return true
		}
	}
	return false
}

// subschemaAttributeTypes renders the attribute types in RFC 4512 form.
func (s *schema) subschemaAttributeTypes() []string {
	out := make([]string, 0, len(s.atList))
	for _, at := range s.atList {
		var b strings.Builder
		fmt.Fprintf(&b, "( %s NAME %s", at.oid, qdescrs(at.names))
		if at.eq != "" {
			b.WriteString(" EQUALITY " + at.eq)
		}
		if at.ord != "" {
			b.WriteString(" ORDERING " + at.ord)
		}
		if at.sub != "" {
			b.WriteString(" SUBSTR " + at.sub)
		}
		b.WriteString(" SYNTAX " + syntaxes[at.syntax][0])
		if at.single {
			b.WriteString(" SINGLE-VALUE")
		}
		if at.noMod {
			b.WriteString(" NO-USER-MODIFICATION")
		}
		if at.usage != "" {
			b.WriteString(" USAGE " + at.usage)
		}
		b.WriteString(" )")
		out = append(out, b.String())
	}
	return out
}

// subschemaObjectClasses renders the object classes in RFC 4512 form.
func (s *schema) subschemaObjectClasses() []string {
	out := make([]string, 0, len(s.ocList))
	for _, oc := range s.ocList {
		var b strings.Builder
		fmt.Fprintf(&b, "( %s NAME %s", oc.oid, qdescrs(oc.names))
		if oc.sup != "" {
			b.WriteString(" SUP " + oc.sup)
		}
		b.WriteString(" " + oc.kind.String())
		if len(oc.must) > 0 {
			b.WriteString(" MUST " + oids(oc.must))
		}
		if len(oc.may) > 0 {
			b.WriteString(" MAY " + oids(oc.may))
		}
		b.WriteString(" )")
		out = append(out, b.String())
	}
	return out
}

func qdescrs(names []string) string {
	if len(names) == 1 {
		return "'" + names[0] + "'"
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "'" + n + "'"
	}
	return "( " + strings.Join(q, " ") + " )"
}

func oids(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	return "( " + strings.Join(names, " $ ") + " )"
}
