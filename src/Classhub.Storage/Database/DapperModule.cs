using Dapper;

// Every Dapper call in this assembly is generated at compile time (Native AOT has no reflection emit).
[module: DapperAot]
