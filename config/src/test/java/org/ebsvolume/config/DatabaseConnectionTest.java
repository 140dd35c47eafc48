package org.ebsvolume.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** [database] connection: SQLAlchemy URLs as Debian's Cinder writes them, turned into Connector/J terms. */
class DatabaseConnectionTest {

    @Test
    void aPymysqlUrlBecomesAMariadbJdbcUrlWithSeparateCredentials() {
        DatabaseConnection c = DatabaseConnection.parse("mysql+pymysql://cinder:s3cret@db.example.com/cinder?charset=utf8", "");

        assertThat(c.jdbcUrl()).isEqualTo("jdbc:mariadb://db.example.com:3306/cinder");
        assertThat(c.user()).isEqualTo("cinder");
        assertThat(c.password()).isEqualTo("s3cret");
        assertThat(c.properties()).isEmpty();
        assertThat(c.jdbcProperties()).containsEntry("user", "cinder").containsEntry("password", "s3cret");
        assertThat(c.toString()).isEqualTo("mysql+pymysql://cinder:***@db.example.com:3306/cinder");
    }

    @ParameterizedTest
    @CsvSource({
            "mysql://cinder:pw@db:3307/cinder, mysql, '', db, 3307",
            "mysql+mysqldb://cinder:pw@10.0.0.5/cinder, mysql, mysqldb, 10.0.0.5, 3306",
            "mariadb+pymysql://cinder:pw@[fd00::5]:3306/cinder, mariadb, pymysql, fd00::5, 3306",
            "MYSQL+PyMySQL://cinder:pw@db/cinder, mysql, pymysql, db, 3306"})
    void mysqlAndMariadbDialectsWithTheirPythonDriversAreAccepted(String url, String dialect, String driver, String host,
                                                                  int port) {
        DatabaseConnection c = DatabaseConnection.parse(url, "");

        assertThat(c.dialect()).isEqualTo(dialect);
        assertThat(c.driver()).isEqualTo(driver);
        assertThat(c.host()).isEqualTo(host);
        assertThat(c.port()).isEqualTo(port);
    }

    @Test
    void anIpv6HostIsBracketedInTheJdbcUrl() {
        assertThat(DatabaseConnection.parse("mysql+pymysql://c:p@[fd00::5]/cinder", "").jdbcUrl())
                .isEqualTo("jdbc:mariadb://[fd00::5]:3306/cinder");
    }

    @Test
    void credentialsArePercentDecodedButPlusStaysPlus() {
        DatabaseConnection c = DatabaseConnection.parse("mysql+pymysql://ci%40nder:p%40ss%3Aw+rd%25@db/cinder", "");

        assertThat(c.user()).isEqualTo("ci@nder");
        assertThat(c.password()).isEqualTo("p@ss:w+rd%");
    }

    @Test
    void queryParametersAreTranslatedToConnectorJ() {
        DatabaseConnection c = DatabaseConnection.parse("mysql+pymysql://c:p@localhost/cinder?charset=utf8mb4"
                + "&unix_socket=/run/mysqld/mysqld.sock&plugin=dbcounter&connect_timeout=5&ssl_ca=/etc/ssl/db-ca.pem"
                + "&ssl_verify_identity=true&useCompression=true", "");

        assertThat(c.properties()).containsExactly(
                Map.entry("localSocket", "/run/mysqld/mysqld.sock"),
                Map.entry("connectTimeout", "5000"),
                Map.entry("serverSslCert", "/etc/ssl/db-ca.pem"),
                Map.entry("sslMode", "verify-full"),
                Map.entry("useCompression", "true"));
        assertThat(c.unixSocket()).contains("/run/mysqld/mysqld.sock");
        assertThat(c.jdbcProperties()).containsEntry("localSocket", "/run/mysqld/mysqld.sock");
    }

    @Test
    void connectionParametersAreAddedToTheQuery() {
        DatabaseConnection c = DatabaseConnection.parse("mysql+pymysql://c:p@db/cinder", "connect_timeout=3&tcpKeepAlive=true");

        assertThat(c.properties()).containsExactly(Map.entry("connectTimeout", "3000"), Map.entry("tcpKeepAlive", "true"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "sqlite:////var/lib/cinder/cinder.sqlite | uses the sqlite dialect; ebs-volume works only with MySQL or MariaDB",
            "postgresql+psycopg2://c:db-pw@db/cinder | uses the postgresql dialect; ebs-volume works only with MySQL or MariaDB",
            "mysql+asyncmy://c:db-pw@db/cinder | names the unknown driver 'asyncmy'; use mysql+pymysql://",
            "mysql+pymysql://db/cinder | has no user name",
            "mysql+pymysql://c:db-pw@db | names no database",
            "mysql+pymysql://c:db-pw@db/ | names no database",
            "mysql+pymysql://c:db@pw@db/cinder | has an '@' in its host part: write an '@' in the password as %40",
            "mysql+pymysql://c:db-pw@db:port/cinder | has the port 'port'; expected an integer",
            "mysql+pymysql://c:db-pw@db/cinder?charset=latin1 | asks for charset=latin1",
            "mysql+pymysql://c:db-pw@db/cinder?read_default_file=/etc/my.cnf | has read_default_file; MySQL option files",
            "mysql+pymysql://c:db-pw@db/cinder?ssl_key=/k.pem | has ssl_key; client certificates",
            "mysql+pymysql://c:db-pw@db/cinder?a=1&a=2 | sets the query parameter 'a' more than once",
            "cinder-db-password | is not an SQLAlchemy URL"})
    void unusableUrlsAreRefusedWithoutShowingThePassword(String url, String message) {
        assertThatThrownBy(() -> DatabaseConnection.parse(url, ""))
                .isInstanceOf(InvalidDatabaseUrlException.class)
                .hasMessageStartingWith(message)
                .hasMessageNotContaining("db-pw")
                .hasMessageNotContaining("cinder-db-password");
    }
}
