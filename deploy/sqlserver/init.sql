-- Run once before the first migration (compose service "sqlserver-init"); safe to re-run (also after a restore).
-- sqlcmd variables: DbName, OwnerLogin, OwnerPassword, AppLogin, AppPassword.
-- Least privilege (issue 19): OwnerLogin is db_owner and only the migration step (--migrate) connects with it; it
-- creates the tables (and Hangfire's) and grants AppLogin SELECT/INSERT/UPDATE/DELETE table by table, without UPDATE
-- and DELETE on the audit tables. AppLogin (the API) has no database role, so it cannot alter or disable a trigger.
IF DB_ID(N'$(DbName)') IS NULL
BEGIN
    CREATE DATABASE [$(DbName)];
    -- Readers do not block writers (Hangfire and the API share the database).
    ALTER DATABASE [$(DbName)] SET READ_COMMITTED_SNAPSHOT ON WITH ROLLBACK IMMEDIATE;
END
GO
IF SUSER_ID(N'$(OwnerLogin)') IS NULL
    CREATE LOGIN [$(OwnerLogin)] WITH PASSWORD = N'$(OwnerPassword)', CHECK_POLICY = ON, DEFAULT_DATABASE = [$(DbName)];
ELSE
    ALTER LOGIN [$(OwnerLogin)] WITH PASSWORD = N'$(OwnerPassword)';
IF SUSER_ID(N'$(AppLogin)') IS NULL
    CREATE LOGIN [$(AppLogin)] WITH PASSWORD = N'$(AppPassword)', CHECK_POLICY = ON, DEFAULT_DATABASE = [$(DbName)];
ELSE
    ALTER LOGIN [$(AppLogin)] WITH PASSWORD = N'$(AppPassword)';
GO
USE [$(DbName)];
IF USER_ID(N'$(OwnerLogin)') IS NULL
    CREATE USER [$(OwnerLogin)] FOR LOGIN [$(OwnerLogin)];
ELSE
    ALTER USER [$(OwnerLogin)] WITH LOGIN = [$(OwnerLogin)];   -- re-maps the user after a restore from another server
IF USER_ID(N'$(AppLogin)') IS NULL
    CREATE USER [$(AppLogin)] FOR LOGIN [$(AppLogin)];
ELSE
    ALTER USER [$(AppLogin)] WITH LOGIN = [$(AppLogin)];
ALTER ROLE db_owner ADD MEMBER [$(OwnerLogin)];
-- The API's login had db_owner before least privilege, and may hold a fixed role from elsewhere: take them away.
IF IS_ROLEMEMBER(N'db_owner', N'$(AppLogin)') = 1 ALTER ROLE db_owner DROP MEMBER [$(AppLogin)];
IF IS_ROLEMEMBER(N'db_ddladmin', N'$(AppLogin)') = 1 ALTER ROLE db_ddladmin DROP MEMBER [$(AppLogin)];
IF IS_ROLEMEMBER(N'db_securityadmin', N'$(AppLogin)') = 1 ALTER ROLE db_securityadmin DROP MEMBER [$(AppLogin)];
IF IS_ROLEMEMBER(N'db_datawriter', N'$(AppLogin)') = 1 ALTER ROLE db_datawriter DROP MEMBER [$(AppLogin)];
GO
