package oscar

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

// The five items of feedbag-2026.txt's list (and feedbag-2025.txt's): the
// root group, a deny item, the pdinfo item, group 'Friends' and its buddy,
// in the server's (group id, item id) order, names normalized. Each call
// returns new items: checkBody decodes into the messages it is given, and
// decoding reuses a message's item array, so a shared one would change
// under the next test (and the next -count run).
func capturedFeedbag() []FeedbagItem {
	return []FeedbagItem{
		{Class: FeedbagClassGroup, TLVs: TLVList{0x00, 0xc8, 0x00, 0x02, 0x00, 0x01}},
		{Name: "labcarol", ItemID: 0x0201, Class: FeedbagClassDeny},
		{ItemID: 0x0301, Class: FeedbagClassPDInfo, TLVs: TLVList{0x00, 0xca, 0x00, 0x01, 0x04}},
		{Name: "Friends", GroupID: 1, Class: FeedbagClassGroup, TLVs: TLVList{0x00, 0xc8, 0x00, 0x02, 0x01, 0x01}},
		{Name: "labbob", GroupID: 1, ItemID: 0x0101, Class: FeedbagClassBuddy},
	}
}

func TestFeedbagMessages(t *testing.T) {
	tests := []struct {
		where, hex string
		m, zero    body
	}{
		// feedbag-2026.txt: LabAlice's first 13,04 on an empty list.
		{"13,06 empty", "00 0000 00000000", &FeedbagReply{}, &FeedbagReply{}},
		// feedbag-2026.txt, bos 13,04 (request 0x119): five items.
		{"13,06 five items", "00 0005" +
			" 0000 0000 0000 0001 0006 00c8 0002 0001" +
			" 0008 6c61626361726f6c 0000 0201 0003 0000" +
			" 0000 0000 0301 0004 0005 00ca 0001 04" +
			" 0007 467269656e6473 0001 0000 0001 0006 00c8 0002 0101" +
			" 0006 6c6162626f62 0001 0101 0000 0000" +
			" 6b0ca361",
			&FeedbagReply{Items: capturedFeedbag(), Modified: 0x6b0ca361}, &FeedbagReply{}},
		// Transaction 1: the root group, then the group, then the buddy as typed.
		{"13,08 root", "0000 0000 0000 0001 0006 00c8 0002 0001",
			&FeedbagInsert{Items: capturedFeedbag()[:1]}, &FeedbagInsert{}},
		{"13,08 buddy", "0007 4c616220426f62 0001 0101 0000 0000",
			&FeedbagInsert{Items: []FeedbagItem{{Name: "Lab Bob", GroupID: 1, ItemID: 0x0101}}}, &FeedbagInsert{}},
		{"13,08 two items", "0008 6c61626361726f6c 0000 0201 0003 0000 0000 0000 0301 0004 0005 00ca 0001 04",
			&FeedbagInsert{Items: capturedFeedbag()[1:3]}, &FeedbagInsert{}},
		// The update of an absent permit item that created it, and the delete of an absent item.
		{"13,09 permit", "0007 4c616220426f62 0000 0401 0002 0000",
			&FeedbagUpdate{Items: []FeedbagItem{{Name: "Lab Bob", ItemID: 0x0401, Class: FeedbagClassPermit}}}, &FeedbagUpdate{}},
		{"13,0A absent", "000b 4e6f626f64792048657265 0000 0999 0000 0000",
			&FeedbagDelete{Items: []FeedbagItem{{Name: "Nobody Here", ItemID: 0x0999}}}, &FeedbagDelete{}},
		{"13,0E ok", "0000", &FeedbagStatus{Codes: []uint16{FeedbagOK}}, &FeedbagStatus{}},
		{"13,0E three", "0000 000c 0003", &FeedbagStatus{Codes: []uint16{FeedbagOK, FeedbagOverLimit, FeedbagExists}}, &FeedbagStatus{}},
		// Session 2's 13,05 (T+1, 5 items) and the 13,0F with its one count byte.
		{"13,05", "6b0ca362 0005", &FeedbagQueryIfModified{Modified: 0x6b0ca362, Count: 5}, &FeedbagQueryIfModified{}},
		{"13,05 trailing", "6b0ca362 0005 ff", &FeedbagQueryIfModified{Modified: 0x6b0ca362, Count: 5, Rest: []byte{0xff}}, &FeedbagQueryIfModified{}},
		{"13,0F one byte", "6b0ca361 05", &FeedbagNotModified{Modified: 0x6b0ca361, Count: 5}, &FeedbagNotModified{}},
		{"13,0F two bytes", "6b0ca361 0005", &FeedbagNotModified{Modified: 0x6b0ca361, Count: 5, WideCount: true}, &FeedbagNotModified{}},
		{"13,11", "", &FeedbagStartCluster{}, &FeedbagStartCluster{}},
		{"13,11 import", "00010000", &FeedbagStartCluster{Flags: 0x00010000, HasFlags: true}, &FeedbagStartCluster{}},
		{"13,02", "", &FeedbagRightsQuery{}, &FeedbagRightsQuery{}},
		{"13,02 flags", "000b 0002 000f", &FeedbagRightsQuery{TLVs: TLVList(mustHex(t, "000b 0002 000f"))}, &FeedbagRightsQuery{}},
	}
	for _, tt := range tests {
		checkBody(t, tt.where, tt.hex, tt.m, tt.zero)
	}
}

func TestFeedbagRights(t *testing.T) {
	// feedbag-2025.txt: 13,03 (106 bytes, 21 limits in TLV 4).
	b := mustHex(t, "0003000200c80004002a003d003d00640064000100010032000000000003000000000000008000ff001400c800010000000100c80005000200c80006000200c80007000200c80008000200c80009000200c8000a000200c8000c000200c8000d000200c8000e00020064")
	var m FeedbagRights
	if err := m.Decode(b); err != nil {
		t.Fatal(err)
	}
	for class, want := range map[uint16]uint16{FeedbagClassBuddy: 61, FeedbagClassGroup: 61, FeedbagClassPermit: 100, FeedbagClassDeny: 100, FeedbagClassPDInfo: 1, FeedbagClassBuddyPrefs: 1} {
		if got, ok := m.MaxItems(class); !ok || got != want {
			t.Errorf("MaxItems(%d) = %d, %v; want %d", class, got, ok, want)
		}
	}
	if got, ok := m.MaxItems(21); ok {
		t.Errorf("MaxItems(21) = %d past the 21 entries", got)
	}
}

func TestFeedbagItemAccessors(t *testing.T) {
	items := capturedFeedbag()
	root, pd := items[0], items[2]
	if ids, ok := root.Order(); !ok || !reflect.DeepEqual(ids, []uint16{1}) {
		t.Errorf("root Order = %v, %v", ids, ok)
	}
	if mode, ok := pd.PrivacyMode(); !ok || mode != PrivacyBlockDeny || mode.String() != "block only the deny list" {
		t.Errorf("PrivacyMode = %v, %v", mode, ok)
	}
	if _, ok := pd.Order(); ok {
		t.Error("pdinfo has an order")
	}
	odd := FeedbagItem{TLVs: TLVList{0x00, 0xc8, 0x00, 0x01, 0x01}}
	if _, ok := odd.Order(); ok {
		t.Error("an odd-length 0xC8 read as an order")
	}
	prefs := FeedbagItem{Class: FeedbagClassBuddyPrefs, TLVs: AppendTLVUint32(nil, FeedbagTLVBuddyPrefs, FeedbagPrefTyping)}
	if v, ok := prefs.BuddyPrefs(); !ok || v != FeedbagPrefTyping {
		t.Errorf("BuddyPrefs = %#x, %v", v, ok)
	}
	if got := AppendOrderTLV(nil, []uint16{1, 0x0101}); !bytes.Equal(got, mustHex(t, "00c8 0004 0001 0101")) {
		t.Errorf("AppendOrderTLV = % x", got)
	}
	if got := PrivacyMode(9).String(); got != "unknown(0x9)" {
		t.Errorf("String = %q", got)
	}
}

func TestTLVListReplace(t *testing.T) {
	l := TLVList(mustHex(t, "0131 0001 61 00c8 0002 0001 00c8 0000 0066 0000"))
	got := l.Replace(FeedbagTLVOrder, []byte{0, 2, 0, 3})
	if want := mustHex(t, "0131 0001 61 00c8 0004 00020003 0066 0000"); !bytes.Equal(got, want) {
		t.Errorf("Replace:\n got % x\nwant % x", got, want)
	}
	if got := TLVList(nil).Replace(FeedbagTLVOrder, nil); !bytes.Equal(got, mustHex(t, "00c8 0000")) {
		t.Errorf("Replace on empty = % x", got)
	}
	if got := l.Remove(FeedbagTLVOrder); !bytes.Equal(got, mustHex(t, "0131 0001 61 0066 0000")) {
		t.Errorf("Remove = % x", got)
	}
	if got := TLVList(mustHex(t, "00c8 0000")).Remove(FeedbagTLVOrder); got != nil {
		t.Errorf("Remove of the only item = % x, want nil", got)
	}
	if !bytes.Equal(l, mustHex(t, "0131 0001 61 00c8 0002 0001 00c8 0000 0066 0000")) {
		t.Error("Replace or Remove changed the list it was called on")
	}
}

func TestFeedbagDecodeErrors(t *testing.T) {
	tests := []struct {
		name, hex, field string
		m                interface{ Decode([]byte) error }
	}{
		{"13,06 empty", "", "version", &FeedbagReply{}},
		{"13,06 count too big", "00 0002 0006 6c6162626f62 0001 0101 0000 0000 6b0ca361", "item: name", &FeedbagReply{}},
		{"13,06 no time", "00 0000", "last modified", &FeedbagReply{}},
		{"13,06 trailing", "00 0000 6b0ca361 00", "last modified", &FeedbagReply{}},
		{"13,06 huge count", "00 ffff 00", "item: name length", &FeedbagReply{}},
		{"13,08 name cut", "0007 4c6162", "item: name", &FeedbagInsert{}},
		{"13,08 class cut", "0000 0000 0000 00", "item: class", &FeedbagInsert{}},
		{"13,09 TLV block cut", "0000 0000 0000 0001 0006 00c8", "item: TLVs", &FeedbagUpdate{}},
		{"13,0A bad TLV", "0000 0000 0000 0001 0003 00c8 00", "item: TLVs", &FeedbagDelete{}},
		{"13,0E odd", "00", "status codes", &FeedbagStatus{}},
		{"13,0F no count", "6b0ca361", "item count", &FeedbagNotModified{}},
		{"13,0F three-byte count", "6b0ca361 000005", "item count", &FeedbagNotModified{}},
		{"13,05 short", "6b0ca361 00", "item count", &FeedbagQueryIfModified{}},
		{"13,11 short", "000100", "flags", &FeedbagStartCluster{}},
		{"13,11 long", "0001000000", "flags", &FeedbagStartCluster{}},
		{"13,03 TLV cut", "0003 0002 00", "TLVs", &FeedbagRights{}},
		{"item trailing", "0000 0000 0000 0001 0000 00", "TLVs", &FeedbagItem{}},
	}
	for _, tt := range tests {
		err := tt.m.Decode(mustHex(t, tt.hex))
		var de *DecodeError
		if !errors.As(err, &de) || de.Field != tt.field {
			t.Errorf("%s: %T.Decode = %v, want a *DecodeError on %q", tt.name, tt.m, err, tt.field)
		}
	}
}

// TestFeedbagDecodeLeavesNothing decodes a bad body into a value that held a
// list: nothing of the old list may stay behind.
func TestFeedbagDecodeLeavesNothing(t *testing.T) {
	m := FeedbagReply{Items: capturedFeedbag(), Modified: 7}
	if err := m.Decode(mustHex(t, "00 0001 0000")); err == nil {
		t.Fatal("a cut 13,06 decoded")
	}
	if m.Items != nil || m.Modified != 0 {
		t.Errorf("after a failed decode: %+v", m)
	}
	n := FeedbagNotModified{Modified: 1, Count: 2, WideCount: true}
	if err := n.Decode(nil); err == nil || n != (FeedbagNotModified{}) {
		t.Errorf("after a failed decode: %+v, %v", n, err)
	}
}

// FuzzFeedbag covers family 0x13's bodies.
func FuzzFeedbag(f *testing.F) {
	fuzzBodies(f, TypeFeedbagRightsReq, TypeFeedbagRights, TypeFeedbagQueryIfModified, TypeFeedbagReply,
		TypeFeedbagInsertItem, TypeFeedbagUpdateItem, TypeFeedbagDeleteItem, TypeFeedbagStatus,
		TypeFeedbagNotModified, TypeFeedbagStartCluster)
}

// FuzzFeedbagItem reads one item, and reads its accessors without panicking.
func FuzzFeedbagItem(f *testing.F) {
	for _, typ := range []SNACType{TypeFeedbagInsertItem, TypeFeedbagUpdateItem, TypeFeedbagDeleteItem} {
		for _, b := range transcriptSNACs(f, typ.Family(), typ.Subtype()) {
			f.Add(b)
		}
	}
	f.Add(mustHex(f, "0000 0000 0301 0004 0005 00ca 0001 04"))
	f.Fuzz(func(t *testing.T, b []byte) {
		roundTrip(t, b, func() codec { return &FeedbagItem{} })
		var it FeedbagItem
		if it.Decode(b) == nil {
			ids, ok := it.Order()
			if ok && len(ids) > len(b)/2 {
				t.Fatalf("%d ids from %d bytes", len(ids), len(b))
			}
			it.PrivacyMode()
			it.BuddyPrefs()
			it.TLVs.Replace(FeedbagTLVOrder, AppendOrderTLV(nil, ids))
		}
	})
}

// The buddy-prefs item of offline-im-2026.txt (Lab Bob's 13,08): TLV 0xD7
// and 0xD8 both 00 00 10 00, i.e. preference 0x34 AcceptOfflineIM valid and
// on (fact 58).
func TestBuddyPref2(t *testing.T) {
	var it FeedbagItem
	if err := it.Decode(mustHex(t, "0000 0000 0501 0005 0010 00d7 0004 00001000 00d8 0004 00001000")); err != nil {
		t.Fatal(err)
	}
	if valid, on := it.BuddyPref2(FeedbagPrefAcceptOfflineIM); !valid || !on {
		t.Errorf("captured item: AcceptOfflineIM valid %v on %v, want both", valid, on)
	}
	if valid, _ := it.BuddyPref2(0x33); valid {
		t.Error("preference 0x33 read as valid")
	}
	it.SetBuddyPref2(FeedbagPrefAcceptOfflineIM, false)
	if want := mustHex(t, "00d7 0004 00000000 00d8 0004 00001000"); !bytes.Equal(it.TLVs, want) {
		t.Errorf("off:\n got % x\nwant % x", it.TLVs, want)
	}
	if valid, on := it.BuddyPref2(FeedbagPrefAcceptOfflineIM); !valid || on {
		t.Errorf("after SetBuddyPref2(false): valid %v on %v", valid, on)
	}
	// Another client's bits, and TLVs, stay; a short mask grows to 4 bytes.
	other := FeedbagItem{Class: FeedbagClassBuddyPrefs, TLVs: TLVList(mustHex(t, "00c9 0004 00400000 00d7 0001 81 00d8 0001 81"))}
	if valid, _ := other.BuddyPref2(FeedbagPrefAcceptOfflineIM); valid {
		t.Error("a 1-byte mask read as holding byte 2")
	}
	other.SetBuddyPref2(FeedbagPrefAcceptOfflineIM, true)
	if want := mustHex(t, "00c9 0004 00400000 00d7 0004 81001000 00d8 0004 81001000"); !bytes.Equal(other.TLVs, want) {
		t.Errorf("grown:\n got % x\nwant % x", other.TLVs, want)
	}
}
