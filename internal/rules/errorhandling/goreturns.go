package errorhandling

import "strings"

// Without type information `x, _ := f()` may drop an error, a bool or a
// count, and `_ = f()` may drop nothing at all. Measured on the Go tree,
// reporting every such call was right about two times in five, so the rule
// reports only calls that are known or named to return an error: the
// standard library's error-returning functions, the method names that
// return one by convention, and functions named after fallible work.

// goErrorFuncs are package functions that return an error.
var goErrorFuncs = map[string]map[string]bool{
	"json":     set("Marshal", "MarshalIndent", "Unmarshal", "Compact", "Indent", "Valid"),
	"xml":      set("Marshal", "MarshalIndent", "Unmarshal", "EscapeText"),
	"yaml":     set("Marshal", "Unmarshal"),
	"strconv":  set("Atoi", "ParseInt", "ParseUint", "ParseFloat", "ParseBool", "ParseComplex", "Unquote", "UnquoteChar"),
	"io":       set("ReadAll", "ReadFull", "ReadAtLeast", "Copy", "CopyN", "CopyBuffer", "WriteString"),
	"ioutil":   set("ReadAll", "ReadFile", "WriteFile", "ReadDir", "TempFile", "TempDir"),
	"url":      set("Parse", "ParseRequestURI", "ParseQuery", "QueryUnescape", "PathUnescape"),
	"http":     set("NewRequest", "NewRequestWithContext", "Get", "Post", "PostForm", "Head", "ListenAndServe", "ListenAndServeTLS", "ReadRequest", "ReadResponse", "Serve"),
	"filepath": set("Abs", "Rel", "Glob", "Walk", "WalkDir", "EvalSymlinks"),
	"time":     set("Parse", "ParseDuration", "ParseInLocation", "LoadLocation"),
	"fmt":      set("Sscan", "Sscanf", "Sscanln", "Fscan", "Fscanf", "Fscanln", "Scan", "Scanf", "Scanln"),
	"base64":   set("DecodeString"),
	"hex":      set("DecodeString", "Decode"),
	"net":      set("Dial", "DialTimeout", "Listen", "ListenPacket", "LookupHost", "LookupIP", "LookupAddr", "ResolveTCPAddr", "ResolveUDPAddr", "SplitHostPort", "ParseCIDR", "ParseMAC"),
	"exec":     set("LookPath"),
	"template": set("ParseFiles", "ParseGlob", "ParseFS"),
	"regexp":   set("Compile", "CompilePOSIX", "MatchString", "Match"),
	"sql":      set("Open"),
	"gzip":     set("NewReader", "NewWriterLevel"),
	"zlib":     set("NewReader", "NewWriterLevel"),
	"x509":     set("ParseCertificate", "ParseCertificates", "ParsePKCS1PrivateKey", "ParsePKCS8PrivateKey", "ParsePKIXPublicKey", "ParseECPrivateKey", "CreateCertificate", "MarshalPKCS8PrivateKey", "MarshalPKIXPublicKey"),
	"tls":      set("LoadX509KeyPair", "X509KeyPair", "Dial"),
	"binary":   set("Read", "Write"),
	// pem.Decode returns (block, rest): no error to drop.
	"pem": set(),
	"os": set("Open", "OpenFile", "Create", "CreateTemp", "MkdirTemp", "ReadFile", "WriteFile", "ReadDir", "Remove", "RemoveAll",
		"Mkdir", "MkdirAll", "Rename", "Chmod", "Chown", "Lchown", "Chdir", "Chtimes", "Stat", "Lstat", "Getwd", "Hostname",
		"Executable", "Setenv", "Symlink", "Readlink", "Link", "Truncate", "UserHomeDir", "UserConfigDir", "UserCacheDir", "Pipe", "StartProcess", "FindProcess"),
}

// goErrorMethods return an error by convention, whatever the receiver.
var goErrorMethods = set(
	"Close", "CloseWrite", "CloseRead", "Write", "WriteString", "WriteTo", "WriteAt", "WriteHeader", "ReadFrom", "Read", "ReadAt",
	"ReadString", "ReadBytes", "ReadRune", "ReadByte", "Flush", "Sync", "Seek", "Truncate", "Chmod", "Chown", "Stat", "Readdir", "ReadDir",
	"Scan", "Err", "Exec", "ExecContext", "Query", "QueryContext", "Prepare", "PrepareContext", "Begin", "BeginTx", "Commit", "Rollback",
	"Ping", "PingContext", "Decode", "Encode", "DecodeElement", "EncodeElement", "Execute", "ExecuteTemplate", "Marshal", "Unmarshal",
	"MarshalJSON", "UnmarshalJSON", "MarshalText", "UnmarshalText", "MarshalBinary", "UnmarshalBinary", "ParseForm",
	"ParseMultipartForm", "FormFile", "Shutdown", "Serve", "ServeTLS", "ListenAndServe", "ListenAndServeTLS", "Run", "Start", "Wait", "Output",
	"CombinedOutput", "Do", "Post", "PostForm", "Head", "Dial", "DialContext", "Accept", "SetDeadline", "SetReadDeadline",
	"SetWriteDeadline", "Remove", "RemoveAll", "Send", "SendMsg", "Recv", "RecvMsg", "Publish", "Subscribe", "Ack", "Nack", "Upload",
	"Download", "Delete", "Put", "Insert", "Update", "Upsert", "Save", "Set", "SetEX", "Expire", "Del", "Incr", "Unlock", "Acquire", "Release",
	"Validate", "Verify", "Sign", "Connect", "Reconnect", "Apply", "Migrate", "Bind", "ShouldBind", "ShouldBindJSON", "BindJSON", "JSON",
)

// goFalliblePrefixes name work that can fail; a function called so very
// likely returns an error.
var goFalliblePrefixes = []string{
	"Parse", "Read", "Write", "Open", "Create", "Decode", "Encode", "Marshal", "Unmarshal", "Dial", "Connect", "Listen", "Send",
	"Fetch", "Save", "Store", "Delete", "Remove", "Update", "Insert", "Upsert", "Exec", "Query", "Close", "Flush", "Sync", "Copy",
	"Upload", "Download", "Validate", "Verify", "Compile", "Render", "Execute", "Load", "Publish", "Post", "Put", "Request",
	"parse", "read", "write", "open", "create", "decode", "encode", "marshal", "unmarshal", "dial", "connect", "send", "fetch",
	"save", "store", "delete", "remove", "update", "insert", "upsert", "exec", "query", "upload", "download", "validate", "verify",
	"load", "publish", "post", "request",
}

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// likelyReturnsError reports whether the call is known, or named, to
// return an error.
func likelyReturnsError(cc callChain) bool {
	recv, callee := lastIdent(cc.recv), cc.callee
	if fns, ok := goErrorFuncs[recv]; ok {
		return fns[callee]
	}
	if cc.recv != "" && goErrorMethods[callee] {
		return true
	}
	// An HTTP client's Get returns (*Response, error); a map-like Get
	// returns (value, ok), which the allow-list already told apart.
	if callee == "Get" && (recv == "http" || strings.Contains(strings.ToLower(recv), "client")) {
		return true
	}
	// A call that takes a context does I/O or waits, and reports failure.
	if a := firstArg(cc.args); a == "ctx" || strings.HasSuffix(a, ".Context()") || strings.HasPrefix(a, "context.") {
		return true
	}
	for _, p := range goFalliblePrefixes {
		if strings.HasPrefix(callee, p) && (len(callee) == len(p) || isUpperOrDigit(callee[len(p)])) {
			return true
		}
	}
	return false
}

func isUpperOrDigit(c byte) bool { return 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' }
