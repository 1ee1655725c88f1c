// Benchmark peer: Go's vishvananda/netlink (Debian's packaged copy, built
// offline with GO111MODULE=off against /usr/share/gocode).
//
//	peer WORKLOAD [N] [N2]
//
// Runs in the namespace it was started in (`unshare -n`), through one
// netlink.Handle (the library's fastest documented path: its sockets are kept
// open), one request at a time, waiting for each ack, as the library does.
// Prints { steps: { name: { n, ms } }, checks: { name: count } }.
package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

type step struct {
	N  int     `json:"n"`
	Ms float64 `json:"ms"`
}

var (
	h      *netlink.Handle
	steps  = map[string]step{}
	checks = map[string]int{}
	order  []string
)

func must(err error, what string) {
	if err != nil {
		out, _ := json.Marshal(map[string]string{"error": what + ": " + err.Error()})
		fmt.Println(string(out))
		os.Exit(2)
	}
}

func timed(name string, n int, fn func()) {
	t := time.Now()
	fn()
	steps[name] = step{n, float64(time.Since(t).Nanoseconds()) / 1e6}
	order = append(order, name)
}

func countLinks() int {
	l, err := h.LinkList()
	must(err, "LinkList")
	return len(l)
}

// 10.0.0.0 + i + 1, as every peer numbers them.
func v4(i int) net.IP {
	v := uint32(10<<24) + uint32(i) + 1
	return net.IPv4(byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

func host(i int) *net.IPNet { return &net.IPNet{IP: v4(i).To4(), Mask: net.CIDRMask(32, 32)} }

func createVeths(n int) {
	for i := 0; i < n; i++ {
		must(h.LinkAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: fmt.Sprintf("va%d", i)}, PeerName: fmt.Sprintf("vb%d", i)}), "LinkAdd")
	}
}

func indexes(n int) []netlink.Link {
	links := make([]netlink.Link, n)
	for i := 0; i < n; i++ {
		l, err := h.LinkByName(fmt.Sprintf("va%d", i))
		must(err, "LinkByName")
		links[i] = l
	}
	return links
}

func w1(n, del int) {
	timed("create", n, func() { createVeths(n) })
	checks["linksAfterCreate"] = countLinks()
	links := indexes(n) // resolved before the clock starts, as every peer does
	timed("delOne", del, func() {
		for i := 0; i < del; i++ {
			must(h.LinkDel(links[i]), "LinkDel")
		}
	})
	checks["linksAfterDelOne"] = countLinks()
	timed("bulkDel", n-del, func() { groupDelete(h, links[del:n]) })
	checks["linksAfterBulkDel"] = countLinks()
}

func pairUp() netlink.Link {
	must(h.LinkAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: "va0"}, PeerName: "vb0"}), "LinkAdd")
	a, err := h.LinkByName("va0")
	must(err, "LinkByName")
	b, err := h.LinkByName("vb0")
	must(err, "LinkByName")
	must(h.LinkSetUp(a), "LinkSetUp")
	must(h.LinkSetUp(b), "LinkSetUp")
	return a
}

func w2(n int) {
	dev := pairUp()
	timed("add", n, func() {
		for i := 0; i < n; i++ {
			must(h.AddrAdd(dev, &netlink.Addr{IPNet: host(i)}), "AddrAdd")
		}
	})
	var c int
	timed("list", 0, func() {
		l, err := h.AddrList(dev, netlink.FAMILY_V4)
		must(err, "AddrList")
		c = len(l)
	})
	steps["list"] = step{c, steps["list"].Ms}
	checks["listed"] = c
	timed("del", n, func() {
		for i := 0; i < n; i++ {
			must(h.AddrDel(dev, &netlink.Addr{IPNet: host(i)}), "AddrDel")
		}
	})
	l, err := h.AddrList(dev, netlink.FAMILY_V4)
	must(err, "AddrList")
	checks["afterDel"] = len(l)
}

func routes() int {
	l, err := h.RouteListFiltered(netlink.FAMILY_V4, &netlink.Route{Table: unix.RT_TABLE_MAIN}, netlink.RT_FILTER_TABLE)
	must(err, "RouteListFiltered")
	return len(l)
}

func w3(n int) {
	dev := pairUp().Attrs().Index
	timed("add", n, func() {
		for i := 0; i < n; i++ {
			must(h.RouteAdd(&netlink.Route{LinkIndex: dev, Dst: host(i), Scope: netlink.SCOPE_LINK}), "RouteAdd")
		}
	})
	var c int
	timed("dump", 0, func() { c = routes() })
	steps["dump"] = step{c, steps["dump"].Ms}
	checks["dumped"] = c
	timed("del", n, func() {
		for i := 0; i < n; i++ {
			must(h.RouteDel(&netlink.Route{LinkIndex: dev, Dst: host(i), Scope: netlink.SCOPE_NOWHERE}), "RouteDel")
		}
	})
	checks["afterDel"] = routes()
}

func w4(n, rounds int) {
	createVeths(n)
	c, min := 0, -1
	timed("dump", rounds, func() {
		for r := 0; r < rounds; r++ {
			c = countLinks()
			if min < 0 || c < min {
				min = c
			}
		}
	})
	checks["links"] = c
	checks["minLinks"] = min
}

func w5(n int) {
	// netns.NewNamed switches the calling thread into the new namespace: pin
	// the goroutine to its thread and switch back each time.
	runtime.LockOSThread()
	orig, err := netns.Get()
	must(err, "netns.Get")
	timed("cycle", n, func() {
		for i := 0; i < n; i++ {
			name := fmt.Sprintf("bench%d", i)
			ns, err := netns.NewNamed(name)
			must(err, "netns.NewNamed")
			must(netns.Set(orig), "netns.Set")
			must(h.LinkAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: fmt.Sprintf("va%d", i)}, PeerName: fmt.Sprintf("vb%d", i)}), "LinkAdd")
			peer, err := h.LinkByName(fmt.Sprintf("vb%d", i))
			must(err, "LinkByName")
			must(h.LinkSetNsFd(peer, int(ns)), "LinkSetNsFd")
			ns.Close()
			must(netns.DeleteNamed(name), "netns.DeleteNamed")
		}
	})
	entries, _ := os.ReadDir("/run/netns")
	checks["namedLeft"] = len(entries)
	until := time.Now().Add(30 * time.Second)
	for countLinks() > 1 && time.Now().Before(until) {
		time.Sleep(20 * time.Millisecond)
	}
	checks["linksSettled"] = countLinks()
}

// Sampled pods fully set up / bare, from podcheck.sh (iproute2 in each), and links here.
func podChecks(when string, n, d int) {
	ready, bare := -1, -1
	out, err := exec.Command("sh", "./podcheck.sh", strconv.Itoa(n), strconv.Itoa(d)).Output()
	if err == nil {
		fmt.Sscanf(string(out), "%d %d", &ready, &bare)
	}
	checks["podsReady"+when] = ready
	checks["podsBare"+when] = bare
	checks["links"+when] = countLinks()
}

func w6(n, d int) {
	// Setup, not measured: the bridge with the gateway address, the named namespaces.
	runtime.LockOSThread()
	orig, err := netns.Get()
	must(err, "netns.Get")
	br := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: "cni0"}}
	must(h.LinkAdd(br), "LinkAdd bridge")
	must(h.LinkSetUp(br), "LinkSetUp bridge")
	gw := net.IPv4(10, 22, 0, 1).To4()
	must(h.AddrAdd(br, &netlink.Addr{IPNet: &net.IPNet{IP: gw, Mask: net.CIDRMask(16, 32)}}), "AddrAdd bridge")
	for i := 0; i < n; i++ {
		ns, err := netns.NewNamed(fmt.Sprintf("pod%d", i))
		must(err, "netns.NewNamed")
		ns.Close()
	}
	must(netns.Set(orig), "netns.Set")
	hosts := make([]netlink.Link, n)
	timed("addAwait", n, func() {
		for i := 0; i < n; i++ {
			ns, err := netns.GetFromName(fmt.Sprintf("pod%d", i))
			must(err, "netns.GetFromName")
			v := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: fmt.Sprintf("veth%d", i)}, PeerName: "eth0", PeerNamespace: netlink.NsFd(ns)}
			must(h.LinkAdd(v), "LinkAdd veth")
			must(h.LinkSetMaster(v, br), "LinkSetMaster")
			must(h.LinkSetUp(v), "LinkSetUp")
			hosts[i] = v
			ph, err := netlink.NewHandleAt(ns)
			must(err, "NewHandleAt")
			eth0, err := ph.LinkByName("eth0")
			must(err, "LinkByName eth0")
			must(ph.LinkSetUp(eth0), "LinkSetUp eth0")
			a := net.IPv4(10, 22, byte(1+i>>8), byte(i)).To4()
			must(ph.AddrAdd(eth0, &netlink.Addr{IPNet: &net.IPNet{IP: a, Mask: net.CIDRMask(16, 32)}}), "AddrAdd")
			must(ph.RouteAdd(&netlink.Route{LinkIndex: eth0.Attrs().Index, Gw: gw}), "RouteAdd default")
			ph.Delete()
			ns.Close()
		}
	})
	podChecks("AfterAdd", n, d)
	timed("delOne", d, func() {
		for i := 0; i < d; i++ {
			must(h.LinkDel(hosts[i]), "LinkDel")
		}
	})
	podChecks("AfterDelOne", n, d)
	timed("bulkDel", n-d, func() { groupDelete(h, hosts[d:n]) })
	podChecks("AfterBulkDel", n, d)
	for i := 0; i < n; i++ {
		netns.DeleteNamed(fmt.Sprintf("pod%d", i))
	}
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: peer W1|W2|W3|W4|W5|W6 [N] [N2]")
		os.Exit(1)
	}
	n, n2 := 1000, -1
	if len(os.Args) > 2 {
		n, _ = strconv.Atoi(os.Args[2])
	}
	if len(os.Args) > 3 {
		n2, _ = strconv.Atoi(os.Args[3])
	}
	var err error
	h, err = netlink.NewHandle(unix.NETLINK_ROUTE)
	must(err, "NewHandle")
	switch os.Args[1] {
	case "W1":
		if n2 < 0 || n2 >= n {
			n2 = n - 1
		}
		w1(n, n2)
	case "W2":
		w2(n)
	case "W3":
		w3(n)
	case "W4":
		if n2 < 0 {
			n2 = 20
		}
		w4(n, n2)
	case "W5":
		w5(n)
	case "W6":
		if n2 < 0 || n2 >= n {
			n2 = n / 5
		}
		w6(n, n2)
	default:
		os.Exit(1)
	}
	out, _ := json.Marshal(map[string]interface{}{"steps": steps, "checks": checks})
	fmt.Println(string(out))
}

// Bulk delete: LinkSetGroup for each, then RTM_DELLINK with IFLA_GROUP, which
// the package has no call for: built with its own nl request layer.
func groupDelete(h *netlink.Handle, links []netlink.Link) {
	for _, l := range links {
		must(h.LinkSetGroup(l, 77), "LinkSetGroup")
	}
	req := nl.NewNetlinkRequest(unix.RTM_DELLINK, unix.NLM_F_ACK)
	req.AddData(nl.NewIfInfomsg(unix.AF_UNSPEC))
	req.AddData(nl.NewRtAttr(unix.IFLA_GROUP, nl.Uint32Attr(77)))
	_, err := req.Execute(unix.NETLINK_ROUTE, 0)
	must(err, "RTM_DELLINK group")
}
