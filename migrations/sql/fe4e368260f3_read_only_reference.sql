-- The reference tables are written by the owner (``guichet referentiels charger``) only.
DO $$
DECLARE
    grant_row record;
BEGIN
    FOR grant_row IN
        SELECT DISTINCT grantee, table_name FROM information_schema.role_table_grants
         WHERE table_schema = 'public' AND left(table_name, 4) = 'ref_'
           AND privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')
           AND grantee <> current_user
    LOOP
        EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON %I FROM %I', grant_row.table_name, grant_row.grantee);
    END LOOP;
END $$;
