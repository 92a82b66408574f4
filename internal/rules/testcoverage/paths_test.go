package testcoverage

import (
	"testing"

	"github.com/prodready/prodready/internal/diff"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		path string
		lang diff.Language
		want role
	}{
		{"internal/api/handler.go", diff.Go, roleSource},
		{"internal/api/handler_test.go", diff.Go, roleTest},
		{"main.go", diff.Go, roleSkip},
		{"cmd/server/main.go", diff.Go, roleSkip},
		{"cmd/root.go", diff.Go, roleSkip},
		{"tools/gen/cmd/run.go", diff.Go, roleSkip},
		{"internal/mocks/store.go", diff.Go, roleSkip},
		{"internal/store/mock_store.go", diff.Go, roleSkip},
		{"internal/testutil/db.go", diff.Go, roleSkip},
		{"internal/api/doc.go", diff.Go, roleSkip},
		{"scripts/backfill.py", diff.Python, roleSkip},
		{"examples/client/main.ts", diff.TypeScript, roleSkip},
		{"app/migrations/0003_add_total.py", diff.Python, roleSkip},
		{"app/billing.py", diff.Python, roleSource},
		{"app/tests.py", diff.Python, roleTest},
		{"tests/test_billing.py", diff.Python, roleTest},
		{"app/billing_test.py", diff.Python, roleTest},
		{"tests/conftest.py", diff.Python, roleTest},
		{"setup.py", diff.Python, roleSkip},
		{"app/__main__.py", diff.Python, roleSkip},
		{"app/types.pyi", diff.Python, roleSkip},
		{"src/utils/format.ts", diff.TypeScript, roleSource},
		{"src/utils/format.spec.ts", diff.TypeScript, roleTest},
		{"src/utils/__tests__/format.ts", diff.TypeScript, roleTest},
		{"src/Button.cy.tsx", diff.TypeScript, roleTest},
		{"vite.config.ts", diff.TypeScript, roleSkip},
		{".eslintrc.js", diff.JavaScript, roleSkip},
		{"src/Button.stories.tsx", diff.TypeScript, roleSkip},
		{"src/main/java/com/acme/OrderService.java", diff.Java, roleSource},
		{"src/test/java/com/acme/OrderServiceTest.java", diff.Java, roleTest},
		{"build.gradle.kts", diff.Kotlin, roleSkip},
		{"src/main/java/com/acme/OrdersApplication.java", diff.Java, roleSkip},
		{"src/main/java/com/acme/web/SecurityConfig.java", diff.Java, roleSkip},
		{"src/main/kotlin/com/acme/WebConfiguration.kt", diff.Kotlin, roleSkip},
		{"app/config.py", diff.Python, roleSkip},
		{"src/config.ts", diff.TypeScript, roleSkip},
		{"app/src/androidTest/java/com/acme/CartScreen.kt", diff.Kotlin, roleTest},
		{"src/integrationTest/java/com/acme/RepoSupport.java", diff.Java, roleTest},
		{"src/main/java/com/acme/package-info.java", diff.Java, roleSkip},
		{"README.md", diff.Markdown, roleSkip},
		{"config.yaml", diff.YAML, roleSkip},
	}
	for _, tt := range tests {
		if got := classify(tt.path, tt.lang); got != tt.want {
			t.Errorf("classify(%q) = %d, want %d", tt.path, got, tt.want)
		}
	}
}

func TestJVMLayout(t *testing.T) {
	root, langDir, pkg, class, ok := jvmLayout("orders/src/main/java/com/acme/svc/OrderService.java", "main")
	if !ok || root != "orders/" || langDir != "java" || pkg != "com/acme/svc" || class != "OrderService" {
		t.Errorf("jvmLayout = %q %q %q %q %v", root, langDir, pkg, class, ok)
	}
	if _, _, _, _, ok := jvmLayout("legacysrc/main/java/A.java", "main"); ok {
		t.Error("jvmLayout matched inside a directory name")
	}
	_, langDir, pkg, class, ok = jvmLayout("src/test/kotlin/Slug.kt", "test")
	if !ok || langDir != "kotlin" || pkg != "" || class != "Slug" {
		t.Errorf("jvmLayout root package = %q %q %q %v", langDir, pkg, class, ok)
	}
}

func TestTestedClass(t *testing.T) {
	for in, want := range map[string]string{
		"OrderServiceTest": "OrderService", "OrderServiceTests": "OrderService", "OrderServiceIT": "OrderService",
		"OrderServiceTestCase": "OrderService", "TestOrderService": "OrderService", "Test": "", "OrderService": "",
	} {
		if got := testedClass(in); got != want {
			t.Errorf("testedClass(%q) = %q, want %q", in, got, want)
		}
	}
}
