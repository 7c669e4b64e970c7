package app

import (
	"fmt"
	"net/http"
	"strings"
)

// Orders: a customer places an order for a product, the seller (the shop's
// staff account) marks it as shipped, and the customer sees the new status.
// The demo's test plan runs that flow as three tests in three browsers.

// order is one order of the shop.
type order struct {
	Number  string // A-1001, A-1002, …
	BuyerID int
	Buyer   string
	Product string
	Status  string // Placed or Shipped
}

const (
	orderPlaced  = "Placed"
	orderShipped = "Shipped"
)

func (s *store) placeOrder(u user, product string) order {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := &order{Number: fmt.Sprintf("A-%d", 1001+len(s.orders)), BuyerID: u.ID, Buyer: u.Name, Product: product, Status: orderPlaced}
	s.orders = append(s.orders, o)
	return *o
}

// ordersFor returns the orders u may see: a seller every order, a customer
// their own; newest first.
func (s *store) ordersFor(u user) []order {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []order
	for i := len(s.orders) - 1; i >= 0; i-- {
		if o := s.orders[i]; u.Seller || o.BuyerID == u.ID {
			out = append(out, *o)
		}
	}
	return out
}

// orderFor returns the order numbered number if u may see it.
func (s *store) orderFor(u user, number string) (order, bool) {
	for _, o := range s.ordersFor(u) {
		if o.Number == number {
			return o, true
		}
	}
	return order{}, false
}

func (s *store) ship(number string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.orders {
		if o.Number == number {
			o.Status = orderShipped
			return true
		}
	}
	return false
}

func (a *App) ordersPage(w http.ResponseWriter, r *http.Request, u user) {
	a.render(w, r, http.StatusOK, "orders", view{Title: "Orders", Active: "orders", User: &u, Orders: a.store.ordersFor(u), Products: catalogue})
}

func (a *App) placeOrder(w http.ResponseWriter, r *http.Request, u user) {
	if !a.parseForm(w, r) {
		return
	}
	name := strings.TrimSpace(r.PostFormValue("product"))
	known := false
	for _, p := range catalogue {
		known = known || p.Name == name
	}
	if !known {
		a.render(w, r, http.StatusUnprocessableEntity, "orders", view{Title: "Orders", Active: "orders", User: &u,
			Alert: "Choose a product to order.", Orders: a.store.ordersFor(u), Products: catalogue})
		return
	}
	o := a.store.placeOrder(u, name)
	http.Redirect(w, r, "/orders/"+o.Number+"?placed=1", http.StatusSeeOther)
}

func (a *App) orderPage(w http.ResponseWriter, r *http.Request, u user) {
	o, ok := a.store.orderFor(u, r.PathValue("number"))
	if !ok {
		a.notFound(w, r)
		return
	}
	v := view{Title: "Order " + o.Number, Active: "orders", User: &u, Order: &o}
	switch {
	case r.URL.Query().Get("placed") == "1":
		v.Status = "Thank you for your order. We will let you know when it ships."
	case r.URL.Query().Get("shipped") == "1":
		v.Status = "Order " + o.Number + " is marked as shipped."
	}
	a.render(w, r, http.StatusOK, "order", v)
}

func (a *App) shipOrder(w http.ResponseWriter, r *http.Request, u user) {
	number := r.PathValue("number")
	if !u.Seller {
		http.Error(w, "Only the seller ships orders.", http.StatusForbidden)
		return
	}
	if !a.store.ship(number) {
		a.notFound(w, r)
		return
	}
	http.Redirect(w, r, "/orders/"+number+"?shipped=1", http.StatusSeeOther)
}
