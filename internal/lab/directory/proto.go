package directory

import (
	"bufio"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"io"
	"net"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
)

// Protocol operations (RFC 4511 section 4.2 onwards).
const (
	appBindRequest     = 0
	appBindResponse    = 1
	appUnbindRequest   = 2
	appSearchRequest   = 3
	appSearchEntry     = 4
	appSearchDone      = 5
	appModifyRequest   = 6
	appModifyResponse  = 7
	appAddRequest      = 8
	appAddResponse     = 9
	appDelRequest      = 10
	appDelResponse     = 11
	appModDNRequest    = 12
	appModDNResponse   = 13
	appCompareRequest  = 14
	appCompareResponse = 15
	appAbandonRequest  = 16
	appExtendedRequest = 23
	appExtendedResp    = 24
)

// Controls and extended operations the server implements.
const (
	controlPaging           = "1.2.840.113556.1.4.319"
	controlManageDsaIT      = "2.16.840.1.113730.3.4.2"
	controlPasswordPolicy   = "1.3.6.1.4.1.42.2.27.8.5.1"
	controlPermissiveModify = "1.2.840.113556.1.4.1413"

	extStartTLS       = "1.3.6.1.4.1.1466.20037"
	extPasswordModify = "1.3.6.1.4.1.4203.1.11.1"
	extWhoAmI         = "1.3.6.1.4.1.4203.1.11.3"
)

// conn is one client connection. Its requests are handled one at a time,
// in the order they arrive.
type conn struct {
	s     *Server
	raw   net.Conn // the TCP connection, closed by Server.Stop
	nc    net.Conn // what is read and written: raw, or TLS over it
	r     *bufio.Reader
	w     *bufio.Writer
	tls   bool
	id    identity
	paged *pagedState
}

// pagedState is the one paged search a connection may have in progress,
// as in slapd: a new paged search replaces it, and only its latest cookie
// is valid.
type pagedState struct {
	cookie  string
	afterID uint64
}

func newConn(s *Server, raw net.Conn, implicitTLS bool) *conn {
	c := &conn{s: s, raw: raw, nc: raw}
	if implicitTLS {
		c.nc = tls.Server(raw, s.tlsConf)
		c.tls = true
	}
	c.r = bufio.NewReader(c.nc)
	c.w = bufio.NewWriter(c.nc)
	return c
}

func (c *conn) serve() {
	defer c.raw.Close()
	for {
		p, err := ber.ReadPacket(c.r)
		if err != nil {
			return
		}
		if !c.handle(p) {
			return
		}
	}
}

type control struct {
	oid      string
	critical bool
	value    []byte
}

func parseControls(p *ber.Packet) ([]control, bool) {
	var out []control
	for _, cp := range p.Children {
		if len(cp.Children) == 0 {
			return nil, false
		}
		ctl := control{oid: cp.Children[0].Data.String()}
		for _, ch := range cp.Children[1:] {
			switch {
			case ch.ClassType == ber.ClassUniversal && ch.Tag == ber.TagBoolean:
				ctl.critical, _ = ch.Value.(bool)
			case ch.ClassType == ber.ClassUniversal && ch.Tag == ber.TagOctetString:
				ctl.value = ch.Data.Bytes()
			default:
				return nil, false
			}
		}
		out = append(out, ctl)
	}
	return out, true
}

func findControl(controls []control, oid string) *control {
	for i := range controls {
		if controls[i].oid == oid {
			return &controls[i]
		}
	}
	return nil
}

// handle answers one request; false ends the connection.
func (c *conn) handle(p *ber.Packet) bool {
	if len(p.Children) < 2 || p.Children[0].Tag != ber.TagInteger {
		return false
	}
	msgID, ok := p.Children[0].Value.(int64)
	op := p.Children[1]
	if !ok || op.ClassType != ber.ClassApplication {
		return false
	}
	var controls []control
	if len(p.Children) > 2 && p.Children[2].ClassType == ber.ClassContext && p.Children[2].Tag == 0 {
		if controls, ok = parseControls(p.Children[2]); !ok {
			return c.reply(msgID, responseFor(op.Tag), newError(resultProtocolError, "decoding controls error"))
		}
	}
	if op.Tag == appUnbindRequest {
		return false
	}
	if op.Tag == appAbandonRequest {
		return true // nothing runs long enough to abandon
	}
	name := opName(op.Tag)
	if name == "" {
		return false // an operation this server does not know: disconnect, as slapd does
	}
	respTag := responseFor(op.Tag)
	var extName string
	if op.Tag == appExtendedRequest && len(op.Children) > 0 {
		extName = op.Children[0].Data.String()
	}
	sub := map[string]string{extStartTLS: "starttls", extPasswordModify: "passwd", extWhoAmI: "whoami"}[extName]
	if sub != "" {
		c.s.count(name, sub)
	} else {
		c.s.count(name)
	}
	if code, ok := c.s.takeFault(sub, name); ok {
		if code == DropConnection {
			return false
		}
		if op.Tag == appBindRequest {
			c.id = identity{} // a failed bind leaves the connection anonymous
		}
		return c.reply(msgID, respTag, newError(code, "injected failure"))
	}
	allowed := map[int][]string{
		appSearchRequest: {controlPaging, controlManageDsaIT},
		appModifyRequest: {controlPermissiveModify, controlManageDsaIT, controlPasswordPolicy},
		appBindRequest:   {controlPasswordPolicy},
	}[int(op.Tag)]
	for _, ctl := range controls {
		known := ctl.oid == controlManageDsaIT
		for _, a := range allowed {
			known = known || a == ctl.oid
		}
		if ctl.critical && !known {
			return c.reply(msgID, respTag, newError(resultUnavailableCriticalExt, "critical extension is not recognized"))
		}
	}

	switch op.Tag {
	case appBindRequest:
		return c.bind(msgID, op, controls)
	case appSearchRequest:
		return c.search(msgID, op, controls)
	case appAddRequest:
		return c.add(msgID, op)
	case appModifyRequest:
		return c.modify(msgID, op, controls)
	case appDelRequest:
		return c.reply(msgID, respTag, c.s.dit.remove(c.id, op.Data.String()))
	case appModDNRequest:
		return c.modifyDN(msgID, op)
	case appCompareRequest:
		return c.compare(msgID, op)
	case appExtendedRequest:
		return c.extended(msgID, op, extName)
	}
	return false
}

func opName(tag ber.Tag) string {
	return map[ber.Tag]string{
		appBindRequest: "bind", appSearchRequest: "search", appModifyRequest: "modify", appAddRequest: "add",
		appDelRequest: "delete", appModDNRequest: "modrdn", appCompareRequest: "compare", appExtendedRequest: "extended",
	}[tag]
}

func responseFor(tag ber.Tag) ber.Tag {
	switch tag {
	case appBindRequest:
		return appBindResponse
	case appSearchRequest:
		return appSearchDone
	case appModifyRequest:
		return appModifyResponse
	case appAddRequest:
		return appAddResponse
	case appDelRequest:
		return appDelResponse
	case appModDNRequest:
		return appModDNResponse
	case appCompareRequest:
		return appCompareResponse
	}
	return appExtendedResp
}

// resultPacket is an LDAPResult of the given protocol operation.
func resultPacket(tag ber.Tag, err *Error) *ber.Packet {
	code, msg, matched := resultSuccess, "", ""
	if err != nil {
		code, msg, matched = err.Code, err.Message, err.MatchedDN
	}
	op := ber.Encode(ber.ClassApplication, ber.TypeConstructed, tag, nil, "")
	op.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, int64(code), ""))
	op.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, matched, ""))
	op.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, msg, ""))
	return op
}

func controlPacket(oid string, value []byte) *ber.Packet {
	p := ber.NewSequence("")
	p.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, oid, ""))
	if value != nil {
		p.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, string(value), ""))
	}
	return p
}

// send writes one message; the caller flushes.
func (c *conn) send(msgID int64, op *ber.Packet, controls ...*ber.Packet) bool {
	msg := ber.NewSequence("")
	msg.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, msgID, ""))
	msg.AppendChild(op)
	if len(controls) > 0 {
		ctls := ber.Encode(ber.ClassContext, ber.TypeConstructed, 0, nil, "")
		for _, ctl := range controls {
			ctls.AppendChild(ctl)
		}
		msg.AppendChild(ctls)
	}
	_, err := c.w.Write(msg.Bytes())
	return err == nil
}

func (c *conn) flush() bool { return c.w.Flush() == nil }

// reply sends the result of an operation.
func (c *conn) reply(msgID int64, tag ber.Tag, err *Error, controls ...*ber.Packet) bool {
	return c.send(msgID, resultPacket(tag, err), controls...) && c.flush()
}

func protocolError(what string) *Error {
	return newError(resultProtocolError, "decoding error: %s", what)
}

func (c *conn) bind(msgID int64, op *ber.Packet, controls []control) bool {
	c.id = identity{} // a bind, even a failed one, starts anonymous
	c.paged = nil
	if len(op.Children) < 3 {
		return c.reply(msgID, appBindResponse, protocolError("bind request"))
	}
	if v, _ := op.Children[0].Value.(int64); v != 3 {
		return c.reply(msgID, appBindResponse, newError(resultProtocolError, "requested protocol version not supported"))
	}
	name := op.Children[1].Data.String()
	auth := op.Children[2]
	if auth.ClassType != ber.ClassContext || (auth.Tag != 0 && auth.Tag != 3) {
		return c.reply(msgID, appBindResponse, protocolError("bind authentication"))
	}
	if auth.Tag == 3 {
		return c.reply(msgID, appBindResponse, newError(resultAuthMethodNotSupported, "SASL(-4): no mechanism available: no SASL mechanisms are offered"))
	}
	id, err, policy := c.s.dit.authenticate(name, auth.Data.String(), c.s.cfg.RootPassword)
	var ctls []*ber.Packet
	if policy && findControl(controls, controlPasswordPolicy) != nil {
		// As the test slapd's ppolicy (without ppolicy_use_lockout), the
		// response control says nothing, not even accountLocked.
		ctls = append(ctls, controlPacket(controlPasswordPolicy, ber.NewSequence("").Bytes()))
	}
	if err == nil {
		c.id = id
	}
	return c.reply(msgID, appBindResponse, err, ctls...)
}

func (c *conn) search(msgID int64, op *ber.Packet, controls []control) bool {
	if len(op.Children) < 7 {
		return c.reply(msgID, appSearchDone, protocolError("search request"))
	}
	scope, _ := op.Children[1].Value.(int64)
	sizeLimit, _ := op.Children[3].Value.(int64)
	typesOnly, _ := op.Children[5].Value.(bool)
	filter := op.Children[6]
	if !checkFilter(filter) {
		return c.reply(msgID, appSearchDone, protocolError("search filter"))
	}
	var attrs []string
	if len(op.Children) > 7 {
		for _, a := range op.Children[7].Children {
			attrs = append(attrs, a.Data.String())
		}
	}
	p := searchParams{base: op.Children[0].Data.String(), scope: int(scope), sizeLimit: int(sizeLimit), typesOnly: typesOnly, filter: filter, attrs: attrs}

	var paging *control
	if ctl := findControl(controls, controlPaging); ctl != nil {
		paging = ctl
		v, err := ber.DecodePacketErr(ctl.value)
		if err != nil || len(v.Children) != 2 {
			return c.reply(msgID, appSearchDone, protocolError("paged results control"))
		}
		size, _ := v.Children[0].Value.(int64)
		cookie := v.Children[1].Data.String()
		switch {
		case cookie == "":
			c.paged = &pagedState{}
		case c.paged == nil || c.paged.cookie != cookie:
			return c.reply(msgID, appSearchDone, newError(resultProtocolError, "paged results cookie is invalid"))
		}
		if size <= 0 { // abandons the paged search
			c.paged = nil
			return c.reply(msgID, appSearchDone, nil, pagingControl(""))
		}
		p.pageSize = int(size)
		p.afterID = c.paged.afterID
	}
	if !c.id.root && paging == nil && c.s.cfg.SizeLimit > 0 && (p.sizeLimit == 0 || p.sizeLimit > c.s.cfg.SizeLimit) {
		p.sizeLimit = c.s.cfg.SizeLimit
	}

	res := c.s.dit.search(c.id, p, c.s.rootDSE, c.s.subschema)
	for _, e := range res.entries {
		entry := ber.Encode(ber.ClassApplication, ber.TypeConstructed, appSearchEntry, nil, "")
		entry.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, e.dn, ""))
		list := ber.NewSequence("")
		for _, a := range e.attrs {
			pa := ber.NewSequence("")
			pa.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, a.name, ""))
			set := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSet, nil, "")
			for _, v := range a.vals {
				set.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, v, ""))
			}
			pa.AppendChild(set)
			list.AppendChild(pa)
		}
		entry.AppendChild(list)
		if !c.send(msgID, entry) {
			return false
		}
	}
	if paging == nil || res.err != nil {
		if paging != nil {
			c.paged = nil
		}
		return c.reply(msgID, appSearchDone, res.err)
	}
	cookie := ""
	if res.more {
		cookie = randomCookie()
		c.paged.cookie, c.paged.afterID = cookie, res.lastID
	} else {
		c.paged = nil
	}
	return c.reply(msgID, appSearchDone, res.err, pagingControl(cookie))
}

func pagingControl(cookie string) *ber.Packet {
	v := ber.NewSequence("")
	v.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, int64(0), ""))
	v.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, cookie, ""))
	return controlPacket(controlPaging, v.Bytes())
}

func randomCookie() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// attributeList decodes an AttributeList or a PartialAttribute.
func attributeOf(p *ber.Packet) (reqAttr, bool) {
	if len(p.Children) != 2 {
		return reqAttr{}, false
	}
	a := reqAttr{typ: p.Children[0].Data.String()}
	for _, v := range p.Children[1].Children {
		a.vals = append(a.vals, v.Data.String())
	}
	return a, true
}

func (c *conn) add(msgID int64, op *ber.Packet) bool {
	if len(op.Children) < 2 {
		return c.reply(msgID, appAddResponse, protocolError("add request"))
	}
	var attrs []reqAttr
	for _, ap := range op.Children[1].Children {
		a, ok := attributeOf(ap)
		if !ok {
			return c.reply(msgID, appAddResponse, protocolError("add attribute"))
		}
		attrs = append(attrs, a)
	}
	return c.reply(msgID, appAddResponse, c.s.dit.add(c.id, op.Children[0].Data.String(), attrs))
}

func (c *conn) modify(msgID int64, op *ber.Packet, controls []control) bool {
	if len(op.Children) < 2 {
		return c.reply(msgID, appModifyResponse, protocolError("modify request"))
	}
	var changes []reqChange
	for _, cp := range op.Children[1].Children {
		if len(cp.Children) != 2 {
			return c.reply(msgID, appModifyResponse, protocolError("modify change"))
		}
		kind, _ := cp.Children[0].Value.(int64)
		a, ok := attributeOf(cp.Children[1])
		if !ok {
			return c.reply(msgID, appModifyResponse, protocolError("modify change"))
		}
		changes = append(changes, reqChange{op: int(kind), reqAttr: a})
	}
	permissive := findControl(controls, controlPermissiveModify) != nil
	return c.reply(msgID, appModifyResponse, c.s.dit.modify(c.id, op.Children[0].Data.String(), changes, permissive))
}

func (c *conn) modifyDN(msgID int64, op *ber.Packet) bool {
	if len(op.Children) < 3 {
		return c.reply(msgID, appModDNResponse, protocolError("modify DN request"))
	}
	deleteOld, _ := op.Children[2].Value.(bool)
	var newSup *string
	if len(op.Children) > 3 && op.Children[3].ClassType == ber.ClassContext && op.Children[3].Tag == 0 {
		s := op.Children[3].Data.String()
		newSup = &s
	}
	return c.reply(msgID, appModDNResponse, c.s.dit.modifyDN(c.id, op.Children[0].Data.String(), op.Children[1].Data.String(), deleteOld, newSup))
}

func (c *conn) compare(msgID int64, op *ber.Packet) bool {
	if len(op.Children) < 2 || len(op.Children[1].Children) != 2 {
		return c.reply(msgID, appCompareResponse, protocolError("compare request"))
	}
	ava := op.Children[1]
	return c.reply(msgID, appCompareResponse, c.s.dit.compare(c.id, op.Children[0].Data.String(), ava.Children[0].Data.String(), ava.Children[1].Data.String()))
}

// extendedReply sends an ExtendedResponse with an optional name and value.
func (c *conn) extendedReply(msgID int64, err *Error, name string, value []byte) bool {
	op := resultPacket(appExtendedResp, err)
	if name != "" {
		op.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 10, name, ""))
	}
	if value != nil {
		op.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 11, string(value), ""))
	}
	return c.send(msgID, op) && c.flush()
}

func (c *conn) extended(msgID int64, op *ber.Packet, name string) bool {
	var value []byte
	if len(op.Children) > 1 && op.Children[1].ClassType == ber.ClassContext && op.Children[1].Tag == 1 {
		value = op.Children[1].Data.Bytes()
	}
	switch name {
	case extStartTLS:
		if c.tls {
			return c.extendedReply(msgID, newError(resultOperationsError, "TLS already started"), extStartTLS, nil)
		}
		if !c.extendedReply(msgID, nil, extStartTLS, nil) {
			return false
		}
		// The client's handshake may already sit in the read buffer.
		tc := tls.Server(&bufferedConn{Conn: c.nc, r: c.r}, c.s.tlsConf)
		_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
		if err := tc.Handshake(); err != nil {
			return false
		}
		_ = tc.SetDeadline(time.Time{})
		c.nc, c.tls = tc, true
		c.r, c.w = bufio.NewReader(tc), bufio.NewWriter(tc)
		return true
	case extPasswordModify:
		var user, oldPw, newPw string
		if len(value) > 0 {
			v, err := ber.DecodePacketErr(value)
			if err != nil {
				return c.extendedReply(msgID, protocolError("password modify request"), "", nil)
			}
			for _, f := range v.Children {
				switch f.Tag {
				case 0:
					user = f.Data.String()
				case 1:
					oldPw = f.Data.String()
				case 2:
					newPw = f.Data.String()
				}
			}
		}
		gen, err := c.s.dit.passwordModify(c.id, user, oldPw, newPw)
		if err != nil || gen == "" {
			return c.extendedReply(msgID, err, "", nil)
		}
		v := ber.NewSequence("")
		v.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 0, gen, ""))
		return c.extendedReply(msgID, nil, "", v.Bytes())
	case extWhoAmI:
		authz := ""
		if c.id.root {
			authz = "dn:" + c.s.dit.rootDN
		} else if c.id.ndn != "" {
			authz = "dn:" + c.id.ndn
		}
		return c.extendedReply(msgID, nil, "", []byte(authz))
	}
	return c.extendedReply(msgID, newError(resultProtocolError, "unsupported extended operation"), "", nil)
}

// bufferedConn reads through the connection's read buffer, so that bytes
// already buffered are not lost when TLS starts.
type bufferedConn struct {
	net.Conn
	r io.Reader
}

func (b *bufferedConn) Read(p []byte) (int, error) { return b.r.Read(p) }
