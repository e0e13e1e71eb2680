-- Run once before the first migration (compose service "sqlserver-init"); safe to re-run.
-- sqlcmd variables: DbName, DbLogin, DbPassword.
IF DB_ID(N'$(DbName)') IS NULL
BEGIN
    CREATE DATABASE [$(DbName)];
    -- Readers do not block writers (Hangfire and the API share the database).
    ALTER DATABASE [$(DbName)] SET READ_COMMITTED_SNAPSHOT ON WITH ROLLBACK IMMEDIATE;
END
GO
IF SUSER_ID(N'$(DbLogin)') IS NULL
    CREATE LOGIN [$(DbLogin)] WITH PASSWORD = N'$(DbPassword)', CHECK_POLICY = ON, DEFAULT_DATABASE = [$(DbName)];
ELSE
    ALTER LOGIN [$(DbLogin)] WITH PASSWORD = N'$(DbPassword)';
GO
USE [$(DbName)];
IF USER_ID(N'$(DbLogin)') IS NULL
    CREATE USER [$(DbLogin)] FOR LOGIN [$(DbLogin)];
ELSE
    ALTER USER [$(DbLogin)] WITH LOGIN = [$(DbLogin)];   -- re-maps the user after a restore from another server
-- Migrations (DbUp) and Hangfire.SqlServer create tables: the application login owns the database.
ALTER ROLE db_owner ADD MEMBER [$(DbLogin)];
GO
