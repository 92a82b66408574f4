package testcoverage

import (
	"strings"
	"testing"

	"github.com/prodready/prodready/internal/diff"
)

// logicCount masks src as lang and counts its logic lines the way scan does.
func logicCount(lang diff.Language, src string) int {
	m := codeMasker{fam: familyOf(lang)}
	sc := lineScanner{fam: familyOf(lang)}
	n := 0
	for _, l := range strings.Split(strings.Trim(src, "\n"), "\n") {
		if sc.logic(m.line(l)) {
			n++
		}
	}
	return n
}

func TestLogicLines(t *testing.T) {
	tests := []struct {
		name string
		lang diff.Language
		src  string
		want int
	}{
		{"go imports and package", diff.Go, `
package api

import (
	"fmt"
	log "log/slog"
)
import "net/http"
`, 0},
		{"go body", diff.Go, `
func (s *Server) Get(w http.ResponseWriter, r *http.Request) {
	// fetch the order
	id := r.PathValue("id")
	if id == "" {
		http.Error(w, "missing id", http.StatusBadRequest)
		return
	}
}
`, 5},
		{"go log only", diff.Go, `
	log.Printf("order %s", id)
	s.logger.Info("fetched",
		"id", id,
		"n", n)
	slog.Debug("x")
	fmt.Println("done")
	logger := slog.New(h)
`, 1},
		{"go type and const blocks", diff.Go, `
type Order struct {
	ID    string ` + "`json:\"id\"`" + `
	Total int64
}
const (
	StatusOpen = "open"
)
type ID string
var total = compute()
`, 1},
		{"python", diff.Python, `
from app.db import (
    session,
    Order,
)
import logging
"""Module docstring."""


def total(orders):
    """Sum the totals.

    Long explanation.
    """
    logger.info("summing %d", len(orders))
    print(orders)
    return sum(o.total for o in orders)
`, 2},
		{"js", diff.JavaScript, `
'use strict';
import { a,
  b } from './x';
const fs = require('fs');
const { join } = require("path");
export { a } from './a';
/* block
   comment */
export function slug(s) {
  console.log('slug', s);
  return s.toLowerCase();
}
`, 2},
		{"ts types", diff.TypeScript, `
export interface User {
  id: string;
  name: string;
}
type Handler = (req: Request) => Promise<void>;
export type Pair<T> = [T, T];
type = req.body.type;
`, 1},
		{"java", diff.Java, `
package com.acme.orders;

import java.util.List;

public class OrderService {
    private static final Logger LOG = LoggerFactory.getLogger(OrderService.class);
    public List<Order> open() {
        LOG.info("listing open orders");
        System.out.println("x");
        return repo.findOpen();
    }
}
`, 4},
		{"java entity", diff.Java, `
@Entity
@Table(name = "orders",
       indexes = {@Index(columnList = "status")})
public class Order {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private final List<LineItem> items;
    private Map<String, Integer> counts;
    public Order(List<LineItem> items) {
        this.items = items;
    }
    public Long getId() {
        return id;
    }
    public void setId(Long id) { this.id = id; }
    public boolean isPaid() { return paid; }
    public long total() {
        return items.stream().mapToLong(LineItem::total).sum();
    }
    public boolean isRefundable(Order order, Instant now) {
    public Order getOrCreate(String id, boolean lock) {
}
`, 6},
		{"ts dto", diff.TypeScript, `
export class CreateOrderDto {
  @IsString()
  @Length(1, 64)
  readonly customerId: string;
  @IsOptional() note?: string;
  items!: LineItemDto[];
  constructor(private readonly repo: Repo) {
    this.repo = repo;
  }
  status: 'open',
}
`, 4},
		{"python dataclass", diff.Python, `
@dataclass(frozen=True)
class Invoice:
    number: str
    total: int = 0
    lines: list[Line] = []
    note: str = "n/a"
    due: date = field(default_factory=date.today)

    def __init__(self, client):
        self.client = client
        self.retries = client.retries + 1
        return total
`, 4},
		{"kotlin data class", diff.Kotlin, `
data class Order(
    val id: Long,
    val items: List<Item>,
    private val note: String? = null,
)
`, 2},
		{"comments only", diff.Go, `
// Package api serves orders.
//
// It is documented here.
/*
   more text
*/
`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := logicCount(tt.lang, tt.src); got != tt.want {
				t.Errorf("logic lines = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestIsAnnotation(t *testing.T) {
	for line, want := range map[string]bool{
		"@Override": true, `@GetMapping("/orders")`: true, "@app.get(": true, `@Column(name = "x") private String x;`: false,
		"@": false, "@ Override": false, "@Test fun x() {": false, "email@example": false,
	} {
		if got := isAnnotation(line); got != want {
			t.Errorf("isAnnotation(%q) = %v, want %v", line, got, want)
		}
	}
}

func TestIsLogCall(t *testing.T) {
	tests := []struct {
		line string
		want bool
	}{
		{`log.Printf("x")`, true},
		{`s.logger.Info("x")`, true},
		{`this.requestLogger.warn("x")`, true},
		{`logging.warning("x")`, true},
		{`current_app.logger.error("x")`, true},
		{`console.error(err)`, true},
		{`System.err.println(e)`, true},
		{`LOGGER.debug("x")`, true},
		{`print(f"{x}")`, true},
		{`req.log.info({ id }, "x")`, true},
		{`fmt.Fprintf(w, "x")`, false},
		{`dialog.open()`, false},
		{`catalog.load(path)`, false},
		{`logger = logging.getLogger(__name__)`, false},
		{`err := log.Output(2, s)`, false},
		{`x.log`, false},
		{``, false},
		{`(`, false},
	}
	for _, tt := range tests {
		if got := isLogCall(tt.line); got != tt.want {
			t.Errorf("isLogCall(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
}

func TestCountBranches(t *testing.T) {
	tests := []struct {
		code string
		fam  family
		want int
	}{
		{`if a && b || c {`, famGo, 3},
		{`} else if x {`, famGo, 1},
		{`switch kind {`, famGo, 1},
		{`case "a", "b":`, famGo, 1},
		{`elif a and not b or c:`, famPython, 3},
		{`except ValueError:`, famPython, 1},
		{`x = a and b`, famGo, 0},
		{`} catch (e) {`, famJS, 1},
		{`when (state) {`, famJVM, 1},
		{`diff := ifNotNil(x) + opts.if`, famGo, 0},
		{`a & b | c`, famGo, 0},
		{``, famGo, 0},
	}
	for _, tt := range tests {
		if got := countBranches(tt.code, tt.fam); got != tt.want {
			t.Errorf("countBranches(%q) = %d, want %d", tt.code, got, tt.want)
		}
	}
}

func TestExportedName(t *testing.T) {
	tests := []struct {
		code   string
		fam    family
		kotlin bool
		want   string
	}{
		{`func (s *Server) HandleOrders(w http.ResponseWriter) {`, famGo, false, "HandleOrders"},
		{`func (s *Set[T]) Add(v T) {`, famGo, false, "Add"},
		{`func NewServer(db *sql.DB) *Server {`, famGo, false, "NewServer"},
		{`func (s *Server) handle() {`, famGo, false, ""},
		{`func helper() {`, famGo, false, ""},
		{`	func Nested() {`, famGo, false, ""},
		{`func (s *Server`, famGo, false, ""},
		{`def charge(order):`, famPython, false, "charge"},
		{`async def fetch_all(ids):`, famPython, false, "fetch_all"},
		{`def _private(x):`, famPython, false, ""},
		{`    def method(self):`, famPython, false, ""},
		{`export function slugify(s) {`, famJS, false, "slugify"},
		{`export async function load() {`, famJS, false, "load"},
		{`export default function (req, res) {`, famJS, false, "default"},
		{`export const handler = async (event) => {`, famJS, false, "handler"},
		{`export class Cache {`, famJS, false, "Cache"},
		{`export interface Cache {`, famJS, false, ""},
		{`export type X = string`, famJS, false, ""},
		{`function local() {`, famJS, false, ""},
		{`    public Order findById(String id) {`, famJVM, false, "findById"},
		{`    public static <T> List<T> page(List<T> all, int n) {`, famJVM, false, "page"},
		{`    public Map<String, Integer> totals(List<Order> orders) {`, famJVM, false, "totals"},
		{`    public OrderService(OrderRepository repo) {`, famJVM, false, ""},
		{`public record Order(String id) {`, famJVM, false, ""},
		{`    private void audit(Order o) {`, famJVM, false, ""},
		{`fun slugify(s: String): String {`, famJVM, true, "slugify"},
		{`    suspend fun load(id: Long): User {`, famJVM, true, "load"},
		{`fun String.slug(): String =`, famJVM, true, "slug"},
		{`    private fun helper() {`, famJVM, true, ""},
		{`    override fun toString(): String {`, famJVM, true, ""},
	}
	for _, tt := range tests {
		if got := exportedName(tt.fam, tt.kotlin, tt.code); got != tt.want {
			t.Errorf("exportedName(%q) = %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestBracketDeltaAndIdent(t *testing.T) {
	if d := bracketDelta("foo(a, [b], {"); d != 2 {
		t.Errorf("bracketDelta = %d, want 2", d)
	}
	if hasIdent(`  "    ",  `) || hasIdent("})") || !hasIdent("x") || !hasIdent("é") {
		t.Error("hasIdent misclassifies")
	}
}
