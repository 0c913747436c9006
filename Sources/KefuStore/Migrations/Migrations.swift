/// Every migration, in order. Add new ones at the end; never edit one that has shipped.
enum Migrations {
    static let all: [Migration] = [
        Migration001.migration,
        Migration002.migration,
        Migration003.migration,
        Migration004.migration,
        Migration005.migration,
        Migration006.migration,
    ]
}
