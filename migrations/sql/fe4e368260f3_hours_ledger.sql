CREATE FUNCTION hour_statements_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'hour statements are never deleted (statement %)', OLD.id;
    END IF;
    IF (NEW.tenant_id, NEW.mission_id, NEW.month, NEW.worked_hours, NEW.training_hours, NEW.absence_hours,
        NEW.source, NEW.supersedes_id, NEW.declared_by, NEW.declared_at)
       IS DISTINCT FROM
       (OLD.tenant_id, OLD.mission_id, OLD.month, OLD.worked_hours, OLD.training_hours, OLD.absence_hours,
        OLD.source, OLD.supersedes_id, OLD.declared_by, OLD.declared_at) THEN
        RAISE EXCEPTION 'the figures of hour statement % are never edited: supersede it', OLD.id;
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status AND OLD.status <> 'declared' THEN
        RAISE EXCEPTION 'hour statement % was already decided (%)', OLD.id, OLD.status;
    END IF;
    IF OLD.superseded_at IS NOT NULL AND NEW.superseded_at IS DISTINCT FROM OLD.superseded_at THEN
        RAISE EXCEPTION 'hour statement % is already superseded', OLD.id;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER hour_statements_guard BEFORE UPDATE OR DELETE ON hour_statements
    FOR EACH ROW EXECUTE FUNCTION hour_statements_guard();

CREATE FUNCTION hour_countings_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'countings are never deleted (counting %)', OLD.id;
    END IF;
    IF (NEW.tenant_id, NEW.statement_id, NEW.rule_id, NEW.raw_hours, NEW.counted_hours, NEW.detail)
       IS DISTINCT FROM
       (OLD.tenant_id, OLD.statement_id, OLD.rule_id, OLD.raw_hours, OLD.counted_hours, OLD.detail)
       OR (NEW.current AND NOT OLD.current) THEN
        RAISE EXCEPTION 'counting % is never edited: a recount adds a new counting', OLD.id;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER hour_countings_guard BEFORE UPDATE OR DELETE ON hour_countings
    FOR EACH ROW EXECUTE FUNCTION hour_countings_guard();

-- An hour is never counted twice: the allocations of a counting add up to at most its counted
-- hours, and only the current counting of a validated statement in force may carry any.
CREATE FUNCTION hour_allocations_check(p_tenant bigint, p_statement bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    SELECT c.id, c.counted_hours, c.current, s.status, s.superseded_at,
           (SELECT sum(a.hours) FROM hour_allocations a
             WHERE a.tenant_id = c.tenant_id AND a.counting_id = c.id) AS allocated
      INTO bad
      FROM hour_countings c
      JOIN hour_statements s ON s.tenant_id = c.tenant_id AND s.id = c.statement_id
     WHERE c.tenant_id = p_tenant AND c.statement_id = p_statement
       AND EXISTS (SELECT 1 FROM hour_allocations a WHERE a.tenant_id = c.tenant_id AND a.counting_id = c.id)
       AND (NOT c.current OR s.status <> 'validated' OR s.superseded_at IS NOT NULL
            OR (SELECT sum(a.hours) FROM hour_allocations a
                 WHERE a.tenant_id = c.tenant_id AND a.counting_id = c.id) > c.counted_hours)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'hours counted twice or off the ledger: counting % allocates % h of % h (current %, statement %, superseded %)',
            bad.id, bad.allocated, bad.counted_hours, bad.current, bad.status, bad.superseded_at
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
END $$;

CREATE FUNCTION hour_allocations_check_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    statement_id bigint;
BEGIN
    IF TG_TABLE_NAME = 'hour_statements' THEN
        statement_id := NEW.id;
    ELSIF TG_TABLE_NAME = 'hour_countings' THEN
        statement_id := NEW.statement_id;
    ELSE
        SELECT c.statement_id INTO statement_id FROM hour_countings c
         WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.counting_id;
    END IF;
    PERFORM hour_allocations_check(NEW.tenant_id, statement_id);
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER hour_allocations_check AFTER INSERT OR UPDATE ON hour_allocations
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION hour_allocations_check_trigger();
CREATE CONSTRAINT TRIGGER hour_allocations_check AFTER UPDATE ON hour_countings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION hour_allocations_check_trigger();
CREATE CONSTRAINT TRIGGER hour_allocations_check AFTER UPDATE ON hour_statements
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION hour_allocations_check_trigger();
